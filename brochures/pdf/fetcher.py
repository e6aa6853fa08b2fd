"""The only way WeasyPrint may read a file: from folders we name, never from the network.

Content is untrusted. Even after sanitising, a stylesheet or an image could point elsewhere,
so every URL WeasyPrint asks for passes through here; anything outside the allowed folders
(after symlinks), anything but a regular file, and every network scheme, is refused and
recorded for the build report.
"""

from __future__ import annotations

import hashlib
import mimetypes
from pathlib import Path
from typing import Iterable
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from weasyprint import URLFetcher
from weasyprint.urls import URLFetcherResponse

from brochures.files import FileRefused, read_inside
from brochures.pdf.urls import Roots


class LocalFileFetcher(URLFetcher):
    """Serve `file:` URLs under the allowed roots and self-contained `data:` URLs; refuse the rest."""

    def __init__(self, roots: Iterable[Path], fixed: Roots | None = None) -> None:
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
        self.roots = tuple(root.resolve() for root in roots)
        self.fixed = fixed  # fixed URLs (urls.py) of the roots, mapped back to real files here
        self.refused: list[str] = []
        self.digests: dict[str, bytes] = {}  # URL → SHA-256 of the file read for it (images.py compares them)

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file" and parts.netloc in ("", "localhost"):
            mapped = self.fixed.real(unquote(parts.path)) if self.fixed else None
            path = mapped or Path(url2pathname(parts.path))
            try:
                data = read_inside(path, self.roots)
            except FileRefused as exc:
                self.refused.append(url)
                raise ValueError(f"refused to read {url}: {exc.reason}") from None
            self.digests[url] = hashlib.sha256(data).digest()
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, data, {"Content-Type": content_type})
        self.refused.append(url)
        raise ValueError(f"refused to fetch {url}: only the project's own files may be read")
