"""Raster images a render process has prepared once, given again to its later documents.

WeasyPrint recompresses every raster image it loads (`optimize_images`) and, when it writes the
PDF, makes a copy at print resolution. A clinic's logo is on every brochure, and a topic's
pictures are in its brochure, its bundles and its booklet: a 1200 × 400 PNG logo cost 0.37 s a
brochure, as much as the rest of the page. Each render process keeps the images it prepared, per
set of folders, and gives one to a later document only when its file, read again through the
same fetcher, has the same bytes: an edited picture is prepared again, a refused one is refused
again. A kept image goes back to the state it had before its first PDF was written (writing
swaps its data for the print-resolution copy), and the image objects it was written as are made
again from their bytes, fresh for each PDF (writing numbers them and replaces the mask by a
reference): the same bytes as preparing it anew.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

import pydyf
from weasyprint.images import LazyImage, RasterImage

from brochures.pdf.fetcher import LocalFileFetcher
from brochures.pdf.urls import Roots

KEPT_BYTES = 64 * 1024 * 1024  # prepared image data a process keeps, the least recently used going first


@dataclass(frozen=True)
class _Written:
    """An image XObject as WeasyPrint made it, to be made again for another PDF."""

    content: bytes
    extra: tuple[tuple[object, object], ...]
    compress: bool

    @classmethod
    def of(cls, stream: pydyf.Stream) -> _Written:
        content = b"\n".join(item.data if isinstance(item, pydyf.Object) else item for item in stream.stream)
        extra = tuple((key, cls.of(value) if isinstance(value, pydyf.Stream) else value)
                      for key, value in stream.extra.items())
        return cls(content, extra, stream.compress)

    def stream(self) -> pydyf.Stream:
        extra = pydyf.Dictionary({key: value.stream() if isinstance(value, _Written) else value
                                  for key, value in self.extra})
        return pydyf.Stream([self.content], extra, self.compress)

    @property
    def size(self) -> int:
        return len(self.content) + sum(value.size for _, value in self.extra if isinstance(value, _Written))


@dataclass
class _Prepared:
    image: RasterImage
    digest: bytes  # of the file it was made from
    own_cache: dict  # the image's data slots, its own rather than a document's
    slots: dict  # their content before the first write
    data: object  # `image.image_data` before the first write
    written: dict[tuple[bool, float], _Written]  # by (interpolate, print-resolution ratio)

    @classmethod
    def take(cls, image: RasterImage, digest: bytes) -> _Prepared:
        """Give `image` a data cache of its own (it wrote into its document's), note its state,
        and have it remember what it is written as."""
        prefix = f"{image.id}-"
        own = {key: value for key, value in image._cache.items() if isinstance(key, str) and key.startswith(prefix)}
        data = image.image_data
        if isinstance(data, LazyImage):
            data = LazyImage(own, data._key, data.data)
        image._cache, image.image_data = own, data
        prepared = cls(image, digest, own, dict(own), data, {})
        make = image.get_x_object

        def get_x_object(interpolate: bool, dpi_ratio: float) -> pydyf.Stream:
            if (interpolate, dpi_ratio) not in prepared.written:
                prepared.written[(interpolate, dpi_ratio)] = _Written.of(make(interpolate, dpi_ratio))
            return prepared.written[(interpolate, dpi_ratio)].stream()

        image.get_x_object = get_x_object
        return prepared

    @property
    def size(self) -> int:
        return sum(len(v) for v in self.slots.values() if isinstance(v, bytes)) + \
            sum(written.size for written in self.written.values())

    def restore(self) -> RasterImage:
        self.own_cache.clear()
        self.own_cache.update(self.slots)
        self.image.image_data = self.data
        return self.image


class PreparedImages:
    """The images this process prepared, by folders and URL."""

    def __init__(self, limit: int = KEPT_BYTES) -> None:
        self.limit = limit
        self._kept: OrderedDict[tuple[Roots, str], _Prepared] = OrderedDict()

    def cache_for(self, roots: Roots, fetcher: LocalFileFetcher) -> DocumentImages:
        """WeasyPrint's image cache for one document (its `cache` option)."""
        return DocumentImages(self, roots, fetcher)

    def find(self, roots: Roots, url: str, fetcher: LocalFileFetcher) -> RasterImage | None:
        prepared = self._kept.get((roots, url))
        if prepared is None:
            return None
        try:
            fetcher.fetch(url)  # records the file's digest; refused: the document meets the refusal itself
        except ValueError:
            return None
        if fetcher.digests.get(url) != prepared.digest:
            del self._kept[(roots, url)]
            return None
        self._kept.move_to_end((roots, url))
        return prepared.restore()

    def keep(self, cache: DocumentImages) -> None:
        """Note the raster images a document just laid out, before its PDF is written."""
        roots, fetcher = cache.roots, cache.fetcher
        for url, image in list(cache.items()):
            if not isinstance(image, RasterImage) or url not in fetcher.digests:
                continue  # a failed image, a `data:` URL, or a data slot
            kept = self._kept.get((roots, url))
            if kept is not None and kept.image is image:
                continue
            self._kept[(roots, url)] = _Prepared.take(image, fetcher.digests[url])
        while sum(p.size for p in self._kept.values()) > self.limit and len(self._kept) > 1:
            self._kept.popitem(last=False)


class DocumentImages(dict):
    """One document's image cache, which finds the images prepared for earlier documents.

    WeasyPrint asks `url in cache` before it fetches an image: the answer is yes for an image
    of this document, or for a kept one whose file is unchanged (it then joins this cache).
    """

    def __init__(self, prepared: PreparedImages, roots: Roots, fetcher: LocalFileFetcher) -> None:
        super().__init__()
        self.prepared, self.roots, self.fetcher = prepared, roots, fetcher

    def __contains__(self, key: object) -> bool:
        if super().__contains__(key):
            return True
        if not isinstance(key, str):
            return False
        image = self.prepared.find(self.roots, key, self.fetcher)
        if image is None:
            return False
        self[key] = image
        return True
