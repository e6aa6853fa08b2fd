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
