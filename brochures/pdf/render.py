"""Lay out the HTML page and write the PDF with WeasyPrint, reading only allowed files."""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pydyf

from brochures.pdf.libraries import quick_library_lookup

with quick_library_lookup():  # first, before this stage's other modules import WeasyPrint
    from weasyprint import CSS, HTML
    from weasyprint.document import Document
    from weasyprint.text.fonts import FontConfiguration

from brochures.files import FileRefused, read_inside
from brochures.html.fonts import STYLESHEET_BYTES, font_face_css
from brochures.pdf.fetcher import LocalFileFetcher
from brochures.pdf.fit import fit_to_page
from brochures.pdf.forms import finish_fields, has_form
from brochures.pdf.identifier import identify
from brochures.pdf.images import PreparedImages
from brochures.pdf.list_numbers import number_lists
from brochures.pdf.origins import Origins, recording
from brochures.pdf.structure import repair
from brochures.pdf.urls import Roots
from brochures.problems import ContentError, Problem

FONTCONFIG_FILE = Path(__file__).with_name("fonts.conf")

# Tagged PDF/UA-1 for screen readers (structure tree, /MarkInfo, DisplayDocTitle), and images
# no sharper than print needs and recompressed, so that a brochure stays small enough to email.
WRITE_OPTIONS = {
    "pdf_variant": "pdf/ua-1",
    "pdf_tags": True,
    "dpi": 300,
    "optimize_images": True,
    "jpeg_quality": 85,
    # No identifier from the writer, which would hash every object by serialising it a second time
    # (and compress every stream twice): `identify` adds one derived from the input.
    "pdf_identifier": False,
}


# An image printed below this many pixels per inch looks soft; CSS pixels are 1/96 inch.
MIN_PPI = 200
CSS_PX_PER_INCH = 96
# PDF/X files must carry dates; a fixed one keeps them byte-reproducible.
FIXED_DATE = "2000-01-01T00:00:00+00:00"
PREPARED_IMAGES = PreparedImages()  # this process's, for its later documents


@dataclass(frozen=True)
class RenderedPdf:
    data: bytes
    pages: int
    refused_urls: tuple[str, ...]
    warnings: tuple[str, ...]  # what WeasyPrint itself complained about
    low_resolution: tuple[tuple[str, int], ...] = ()  # (image file path, ppi) below MIN_PPI
    # (what runs off the page, text to find it by, True for a table that fits only with words broken)
    overflows: tuple[tuple[str, str, bool], ...] = ()


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def shipped_fonts_only() -> FontConfiguration:
    """A font configuration that knows no system font, only those the @font-face rules add.

    WeasyPrint loads fontconfig's configuration, which lists the machine's font folders; a
    character our fonts lack would then print in whatever font the machine has (DejaVu here,
    nothing elsewhere). fontconfig reads FONTCONFIG_FILE each time a configuration is loaded,
    so pointing it at a configuration without font folders for that moment hides them all.
    """
    previous = os.environ.get("FONTCONFIG_FILE")
    os.environ["FONTCONFIG_FILE"] = str(FONTCONFIG_FILE)
    try:
        return FontConfiguration()
    finally:
        if previous is None:
            del os.environ["FONTCONFIG_FILE"]
        else:
            os.environ["FONTCONFIG_FILE"] = previous


@lru_cache(maxsize=8)
def _stylesheets(sources: tuple[tuple[str, str], ...], page_css: str,
                 roots: Roots) -> tuple[FontConfiguration, list[CSS], LocalFileFetcher, dict]:
    """Parse the stylesheets and load the fonts once per process, not once per brochure.

    Keyed by the stylesheets' URL and text, so that an edited stylesheet (in `watch`) is read again.
    """
    fetcher = LocalFileFetcher(roots.allowed, roots)
    font_config = shipped_fonts_only()
    css = [CSS(string=font_face_css(roots.uri), font_config=font_config, url_fetcher=fetcher)]
    css += [CSS(string=text, base_url=url, font_config=font_config, url_fetcher=fetcher)
            for url, text in sources]
    color_profiles: dict = {}  # filled by an @color-profile rule (the print-shop output intent)
    css.append(CSS(string=page_css, font_config=font_config, url_fetcher=fetcher, color_profiles=color_profiles))
    return font_config, css, fetcher, color_profiles


def _read_stylesheet(path: Path, allowed_roots: tuple[Path, ...]) -> str:
    try:
        return read_inside(path, allowed_roots, STYLESHEET_BYTES).decode("utf-8")
    except FileRefused as exc:
        raise ContentError(Problem(path, f"stylesheet: {exc.reason}")) from None
    except UnicodeDecodeError:
        raise ContentError(Problem(path, "stylesheet: not UTF-8 text; save the file as UTF-8")) from None


def render_pdf(html: str, base_dir: Path, stylesheets: list[Path], page_css: str,
               roots: Roots | list[Path], pdf_variant: str = "pdf/ua-1", landscape: bool = True) -> RenderedPdf:
    """Render `html` whose relative URLs resolve in `base_dir`; `page_css` comes last (paper size).

    What would run off the page is fitted (`fit.py`; `landscape`: a wide table may get a landscape
    page), and what still does is returned.

    Only files under `roots` are read, through their fixed URLs (a plain list of folders gets
    unnamed ones). The PDF identifier derives from the input, so the same page gives the same
    bytes wherever the folders are; PDF/X needs creation and modification dates, which are fixed
    for the same reason.
    """
    if not isinstance(roots, Roots):
        roots = Roots.plain(roots)
    options = {**WRITE_OPTIONS, "pdf_variant": pdf_variant}
    fetcher = LocalFileFetcher(roots.allowed, roots)
    sources = tuple((roots.uri(path), _read_stylesheet(path, roots.allowed)) for path in stylesheets)
    font_config, css, css_fetcher, color_profiles = _stylesheets(sources, page_css, roots)

    collector = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collector)
    try:
        images = PREPARED_IMAGES.cache_for(roots, fetcher)
        page = HTML(string=html, base_url=roots.uri(base_dir) + "/", url_fetcher=fetcher)
        number_lists(page.etree_element)
        document, overflowing = fit_to_page(lambda: page.render(
            stylesheets=css, font_config=font_config, color_profiles=color_profiles, cache=images, **options),
            page.etree_element, landscape)
        PREPARED_IMAGES.keep(images)
        if pdf_variant.startswith("pdf/x"):
            document.metadata.created = document.metadata.modified = FIXED_DATE
        identifier = hashlib.md5(f"{page_css}\n{html}".encode("utf-8")).hexdigest().encode("ascii")
        form = has_form(document)
        with recording() as origins:
            data = document.write_pdf(finisher=lambda _, pdf: _finish(pdf, origins, form), **options)
        data = identify(data, identifier)
        low = tuple((str(roots.real(name) or name), ppi) for name, ppi in low_resolution_images(document))
    finally:
        logger.removeHandler(collector)
    refused = tuple(dict.fromkeys(css_fetcher.refused + fetcher.refused))  # a stylesheet's, every time
    return RenderedPdf(data, len(document.pages), refused, tuple(collector.messages), low,
                       tuple((o.what, o.needle, o.broken) for o in overflowing))


def _finish(pdf: pydyf.PDF, origins: Origins, form: bool) -> None:
    """What WeasyPrint is about to write, repaired before it is: the PDF is written once."""
    repair(pdf, origins)
    if form:
        finish_fields(pdf)


def low_resolution_images(document: Document) -> list[tuple[str, int]]:
    """(file path, pixels per inch) of each image that prints below MIN_PPI at its placed size."""
    found: dict[str, int] = {}
    for page in document.pages:
        for box in page._page_box.descendants():
            image = getattr(box, "replacement", None)
            pixels = getattr(image, "width", None)
            if not isinstance(pixels, int) or not getattr(box, "width", 0) or image.__class__.__name__ != "RasterImage":
                continue
            ppi = round(pixels / (box.width / CSS_PX_PER_INCH))
            if ppi < MIN_PPI:
                name = unquote(urlsplit(box.element.get("src", "")).path)
                found[name] = min(ppi, found.get(name, ppi))
    return sorted(found.items())
