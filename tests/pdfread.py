"""Reading produced PDFs back for assertions: text runs with size and position, outlines, links."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader


@dataclass(frozen=True)
class Run:
    text: str
    x: float
    y: float
    size: float  # effective font size in points


def runs(page) -> list[Run]:
    """Every text run drawn on a page, with where and how big it is."""
    found: list[Run] = []

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
            y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
            # the text's vertical scale in user space, also for rotated text (the draft band)
            scale = math.hypot(tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3])
            found.append(Run(text.strip(), x, y, round(abs(font_size) * scale, 1)))

    page.extract_text(visitor_text=visit)
    return found


def top_text(page) -> str:
    """The text drawn highest on the page: the running header."""
    return max(runs(page), key=lambda run: run.y).text


def outline(path: Path) -> list[tuple[str, int, list]]:
    """Bookmarks as (title, 1-based page, children)."""
    reader = PdfReader(path)

    def walk(items: list) -> list:
        tree: list = []
        for item in items:
            if isinstance(item, list):
                title, page, _ = tree[-1]
                tree[-1] = (title, page, walk(item))
            else:
                tree.append((item.title, reader.get_destination_page_number(item) + 1, []))
        return tree

    return walk(reader.outline)


def uris(path: Path) -> list[str]:
    found = []
    for page in PdfReader(path).pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action and "/URI" in action:
                found.append(str(action["/URI"]))
    return found


def poppler_text(path: Path, layout: bool = True) -> str:
    """The text as poppler reads it; in layout mode a list's numbers stay on their item's line (its
    reading-order mode drops them, and glues words around inline code)."""
    import subprocess

    return subprocess.run(["pdftotext", *(["-layout"] if layout else []), "-enc", "UTF-8", str(path), "-"],
                          check=True, capture_output=True, text=True).stdout


def pdfium_text(path: Path) -> str:
    """The text as PDFium reads it, page by page in drawing order (a list's numbers come last)."""
    from tests.readers import pdfium_text as pdfium_pages

    return "\n".join(pdfium_pages(path))


def squeezed(text: str) -> str:
    """`text` without any space or line break, to compare what prints whatever the line breaks."""
    return "".join(text.split())


def label_before(path: Path, text: str) -> str | None:
    """What PDFium finds printed on the same line just left of `text` (a list item's number)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(path))
    try:
        for page in document:
            textpage = page.get_textpage()
            at = textpage.get_text_range().find(text)
            if at < 0:
                continue
            left, bottom, _, top = textpage.get_charbox(at)
            before = [(box[0], textpage.get_text_range(index, 1)) for index in range(textpage.count_chars())
                      for box in [textpage.get_charbox(index)] if box[0] < left and box[1] < top and box[3] > bottom]
            return "".join(char for _, char in sorted(before)).strip() or None
        return None
    finally:
        document.close()


def char_boxes(path: Path, word: str) -> list[tuple[int, tuple[float, float, float, float], tuple[float, float]]]:
    """(page index, (left, bottom, right, top), (page width, height)) of each occurrence of `word`."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(path))
    found = []
    try:
        for index, page in enumerate(document):
            textpage = page.get_textpage()
            text = textpage.get_text_range()
            start = text.find(word)
            while start >= 0:
                boxes = [textpage.get_charbox(i) for i in range(start, start + len(word))]
                found.append((index, (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes),
                                      max(b[3] for b in boxes)), (page.get_width(), page.get_height())))
                start = text.find(word, start + 1)
        return found
    finally:
        document.close()
