"""Print-shop files (--print-marks): a slug around the bleed, with crop marks a shop can use.

WeasyPrint lays each page out with a 3 mm bleed (its MediaBox is the bleed area, its TrimBox
the finished page) but draws its own crop marks inside that bleed, under the artwork, where a
colour band running into the bleed hides them. Here, each page grows by a slug outside the
bleed (the MediaBox grows, the content is not moved), the BleedBox is set to the old MediaBox,
and short crop marks are drawn in the slug at every corner, aligned with the trim edges, after
the page's own content (so above it), as artifacts that screen readers skip.
"""

from __future__ import annotations

import logging
import re
import uuid
from io import BytesIO

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, NameObject, RectangleObject

MM = 72 / 25.4
SLUG = 10 * MM  # beyond the bleed: gap + mark length + a margin
MARK_GAP = 1.5 * MM  # between the bleed edge and the start of a mark
MARK_LENGTH = 6 * MM
MARK_WIDTH = 0.3  # points; registration black (all four inks) so every plate shows it


def crop_marks(trim: tuple[float, float, float, float], bleed: tuple[float, float, float, float]) -> bytes:
    """The content stream drawing eight marks: two per corner, outside `bleed`, on the trim lines."""
    x0, y0, x1, y1 = trim
    bx0, by0, bx1, by1 = bleed
    lines = []
    for x, bx, sign_x in ((x0, bx0, -1), (x1, bx1, 1)):
        for y, by, sign_y in ((y0, by0, -1), (y1, by1, 1)):
            start_y, start_x = by + sign_y * MARK_GAP, bx + sign_x * MARK_GAP
            lines.append((x, start_y, x, start_y + sign_y * MARK_LENGTH))  # vertical, on the trim x
            lines.append((start_x, y, start_x + sign_x * MARK_LENGTH, y))  # horizontal, on the trim y
    path = "".join(f"{a:.3f} {b:.3f} m {c:.3f} {d:.3f} l " for a, b, c, d in lines)
    return (f"/Artifact BMC q {MARK_WIDTH} w 0 J 1 1 1 1 K {path}S Q EMC\n").encode("ascii")


def add_slug_and_marks(pdf: bytes) -> bytes:
    """Grow every page by the slug and draw crop marks in it; the PDF is otherwise unchanged."""
    pypdf_log = logging.getLogger("pypdf")
    level = pypdf_log.level
    pypdf_log.setLevel(logging.ERROR)  # WeasyPrint's PDF/X trailer undercounts its objects: harmless
    try:
        reader = PdfReader(BytesIO(pdf))
    finally:
        pypdf_log.setLevel(level)
    writer = PdfWriter(clone_from=reader)
    writer.pdf_header = reader.pdf_header  # PDF/X-4 is PDF 1.6
    _fix_document_id(writer)
    for page in writer.pages:
        media = tuple(float(v) for v in page.mediabox)
        trim = tuple(float(v) for v in page.trimbox)
        page[NameObject("/BleedBox")] = RectangleObject(media)
        page[NameObject("/TrimBox")] = RectangleObject(trim)
        page.mediabox = RectangleObject([media[0] - SLUG, media[1] - SLUG, media[2] + SLUG, media[3] + SLUG])
        if "/CropBox" in page:
            del page[NameObject("/CropBox")]
        old = page[NameObject("/Contents")]
        old = old.get_object() if isinstance(old.get_object(), ArrayObject) else ArrayObject([old])
        save, marks = DecodedStreamObject(), DecodedStreamObject()
        save.set_data(b"q\n")  # the page's own graphics state is restored before the marks
        marks.set_data(b"Q\n" + crop_marks(trim, media))  # type: ignore[arg-type]
        page[NameObject("/Contents")] = ArrayObject([writer._add_object(save), *old, writer._add_object(marks)])
    for page in writer.pages:
        page.compress_content_streams()
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)  # the profile, once
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def _fix_document_id(writer: PdfWriter) -> None:
    """WeasyPrint writes a random XMP DocumentID in PDF/X-4 files; derive it from the PDF's own
    identifier (itself derived from the page), so the same input gives the same bytes."""
    metadata = writer._root_object.get("/Metadata")
    identifier = writer._ID[0] if writer._ID else None
    if metadata is None or identifier is None:
        return
    writer._ID = ArrayObject([identifier, identifier])  # WeasyPrint's second one hashes the random id
    stream = metadata.get_object()
    document_id = uuid.UUID(bytes=bytes(identifier.original_bytes)[:16].ljust(16, b"\0"))
    stream.set_data(re.sub(rb"xmp\.did:[0-9a-f-]{36}", f"xmp.did:{document_id}".encode("ascii"), stream.get_data()))
