"""Impose pages two-up for a saddle-stitched booklet: print duplex, flip on the short edge, fold.

Pages are half-sheet size already; here they are padded to a multiple of four and placed on
landscape sheets so that the stacked, folded sheets read in order.
"""

from __future__ import annotations

from io import BytesIO

from pypdf import PdfReader, PdfWriter, Transformation
from pypdf.generic import NameObject


def booklet_order(page_count: int) -> list[tuple[int, int]]:
    """(left, right) page numbers, 1-based, for each sheet side in printing order.

    `page_count` must be a multiple of 4. Sheet s carries, on its front, the last unused page
    on the left and the first unused one on the right; its back carries the next pair mirrored.
    """
    if page_count % 4:
        raise ValueError("a saddle-stitched booklet needs a multiple of 4 pages")
    sides = []
    for sheet in range(page_count // 4):
        sides.append((page_count - 2 * sheet, 2 * sheet + 1))      # front
        sides.append((2 * sheet + 2, page_count - 2 * sheet - 1))  # back
    return sides


def padded_sequence(page_count: int) -> list[int | None]:
    """The document's pages padded to a multiple of 4 with blanks (None).

    Blanks go before the last page, which stays the back cover (the contact box).
    """
    total = -(-page_count // 4) * 4
    pages: list[int | None] = list(range(page_count))
    blanks = [None] * (total - page_count)
    if page_count > 1:
        return pages[:-1] + blanks + pages[-1:]
    return pages + blanks


def impose_booklet(pdf: bytes, sheet: tuple[float, float]) -> bytes:
    """Two half-size pages side by side on each landscape `sheet` (width, height in points).

    Each page is centred in its half: A5 is a hair narrower than half an A4 sheet. Its link
    annotations move with it: the sheet is a page of the writer before anything is merged onto
    it, which is when pypdf applies the page's transformation to each annotation's rectangle
    (merged onto a free-standing page, they would keep their half-page coordinates and lie over
    the other half).
    """
    reader = PdfReader(BytesIO(pdf))
    pages = list(reader.pages)
    width = float(pages[0].mediabox.width)
    height = float(pages[0].mediabox.height)
    sheet_width, sheet_height = sheet
    dx, dy = (sheet_width / 2 - width) / 2, (sheet_height - height) / 2
    sequence = padded_sequence(len(pages))
    writer = PdfWriter()
    for left, right in booklet_order(len(sequence)):
        side = writer.add_blank_page(width=sheet_width, height=sheet_height)
        for slot, number in enumerate((left, right)):
            index = sequence[number - 1]
            if index is not None:
                move = Transformation().translate(tx=slot * sheet_width / 2 + dx, ty=dy)
                side.merge_transformed_page(pages[index], move)
    for key in ("/Title", "/Author", "/Subject"):
        if reader.metadata and key in reader.metadata:
            writer.add_metadata({key: reader.metadata[key]})
    if "/Lang" in reader.trailer["/Root"]:
        writer._root_object[NameObject("/Lang")] = reader.trailer["/Root"]["/Lang"]
    for sheet in writer.pages:
        sheet.compress_content_streams()
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)  # fonts shared by sheets
    out = BytesIO()
    writer.write(out)
    return out.getvalue()
