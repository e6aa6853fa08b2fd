"""Booklet imposition: the printed, stacked and folded sheets read 1, 2, 3... in order."""

from __future__ import annotations

from io import BytesIO

import pytest
from pypdf import PdfReader
from weasyprint import HTML

from brochures.pdf.imposition import booklet_order, impose_booklet, padded_sequence
from tests.pdfread import runs


def folded_reading_order(sides: list[tuple[int, int]]) -> list[int]:
    """Simulate a stack of duplex sheets folded in the middle: the order a reader meets pages.

    Sheet k's front is sides[2k], its back sides[2k+1]. Reading the first half goes down the
    stack (front right, then back left); the second half comes back up (back right, front left).
    """
    sheets = [(sides[i], sides[i + 1]) for i in range(0, len(sides), 2)]
    order = []
    for front, back in sheets:
        order += [front[1], back[0]]
    for front, back in reversed(sheets):
        order += [back[1], front[0]]
    return order


@pytest.mark.parametrize("pages", [4, 8, 12, 16, 40])
def test_booklet_order_reads_in_order_once_folded(pages):
    sides = booklet_order(pages)
    assert len(sides) == pages // 2
    assert folded_reading_order(sides) == list(range(1, pages + 1))


def test_booklet_order_needs_a_multiple_of_four():
    with pytest.raises(ValueError):
        booklet_order(6)


def test_padding_keeps_the_last_page_as_back_cover():
    assert padded_sequence(6) == [0, 1, 2, 3, 4, None, None, 5]
    assert padded_sequence(8) == list(range(8))
    assert padded_sequence(1) == [0, None, None, None]


def numbered_pdf(count: int) -> bytes:
    pages = "".join(f'<p style="break-before: page; font-size: 40pt">P{n}</p>' for n in range(1, count + 1))
    return HTML(string=f"<style>@page {{ size: 5.5in 8.5in; margin: 1in }}</style>{pages}").write_pdf()


def test_imposed_sheets_carry_the_right_pages_left_and_right():
    reader = PdfReader(BytesIO(impose_booklet(numbered_pdf(6), (792.0, 612.0))))
    assert len(reader.pages) == 4  # 2 sheets, 2 sides each
    half = 5.5 * 72
    sides = []
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (792, 612)
        left = [r.text for r in runs(page) if r.x < half]
        right = [r.text for r in runs(page) if r.x >= half]
        sides.append((left, right))
    # 6 pages padded to 8 with blanks before the back cover (P6): 1..5, blank, blank, P6.
    assert sides == [(["P6"], ["P1"]), (["P2"], []), ([], ["P3"]), (["P4"], ["P5"])]
