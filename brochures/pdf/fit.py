"""Nothing runs off the page: find what crosses the page area after layout, and fit wide tables.

WeasyPrint lays a table out at its narrowest, the widest word of each column, and lets it run past
the page edge (and under the draft band) when even that is too wide: an 8-column weekly medicine
table lost Friday to Sunday without a word. After each layout, every piece of text and every image
beyond the page area (0.5 pt of slack) is found. A table among them is then given what a designer
would try, in turn, through its `data-fit` attribute (brochure.css has the rules):

1. `tight`: cells with less padding;
2. `small`: the type made smaller, down to the readable minimum (10 pt; 16 pt in large print);
3. `landscape`: a landscape page of its own (not in booklets, whose pages must all be the same);
4. `hyphenate`, then `break`: as last resorts, words hyphenated, then broken anywhere.

Outside tables, a word kept whole on purpose (a medicine name, a phone number) that is wider than
the page is allowed to break (`break`), as a last resort too.

The page is laid out again after each step, only while a table still crosses the page. What still
does not fit, and a table that fits only with its words broken, is returned, named in the writer's
terms: the table by its first header cells, the word, or the image.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Callable, Iterator

from weasyprint.document import Document
from weasyprint.formatting_structure import boxes

SLACK = 0.5  # CSS pixels a box may cross the page area by (rounding, a glyph's overhang)
# What a table gets, step by step: on a landscape page it first tries its full size again.
STEPS = (("tight",), ("tight", "small"), ("tight", "landscape"), ("tight", "small", "landscape"),
         ("tight", "small", "landscape", "hyphenate"), ("tight", "small", "landscape", "hyphenate", "break"))
LEAD_INS = frozenset({"h2", "h3", "h4", "h5", "h6"})


@dataclass(frozen=True)
class Overflow:
    what: str  # the table, word or image, as a writer finds it in the text
    needle: str  # text of the source to find its line by
    table: ET.Element | None = None
    broken: bool = False  # a table that fits only with its words broken anywhere
    element: ET.Element | None = None  # what holds the text, outside tables


def fit_to_page(render: Callable[[], Document], root: ET.Element, landscape: bool) -> tuple[Document, list[Overflow]]:
    """Lay out with `render` until no table crosses the page area or none has a step left; the
    document and what still crosses it. `root`: the page's tree, which `render` lays out.
    `landscape`: whether a table may get a page of its own."""
    steps: list[str] = []
    for step in STEPS:
        names = " ".join(name for name in step if landscape or name != "landscape")
        if names not in steps:
            steps.append(names)
    document = render()
    parents: dict[ET.Element, ET.Element] | None = None
    while True:
        found = overflows(document)
        tables = list({id(o.table): o.table for o in found if o.table is not None}.values())
        advanced = False
        for table in tables:
            taken = table.get("data-fit", "")
            step = steps[steps.index(taken) + 1 if taken in steps else 0] if taken != steps[-1] else None
            if step is None:
                continue
            table.set("data-fit", step)
            advanced = True
            if "landscape" in step and "landscape" not in taken:
                parents = parents or {child: parent for parent in root.iter() for child in parent}
                _lead_in(table, parents)
        for element in {id(o.element): o.element for o in found if o.element is not None}.values():
            if "break" not in element.get("data-fit", "").split():
                element.set("data-fit", "break")  # a word kept whole (a medicine name) may break now
                advanced = True
        if not advanced:
            broken = [Overflow(f"the table '{_header(table)}'", _first_cell(table), table, broken=True)
                      for table in root.iter("table") if "break" in table.get("data-fit", "").split()
                      and all(o.table is not table for o in found)]
            return document, found + broken
        document = render()


def _lead_in(table: ET.Element, parents: dict[ET.Element, ET.Element]) -> None:
    """The heading or "...:" line just before a table goes to its landscape page with it."""
    parent = parents.get(table)
    if parent is None:
        return
    siblings = list(parent)
    at = siblings.index(table)
    if at > 0:
        before = siblings[at - 1]
        text = "".join(before.itertext()).strip()
        if before.tag in LEAD_INS or (before.tag == "p" and text.endswith(":")):
            before.set("data-fit", "landscape")


def overflows(document: Document) -> list[Overflow]:
    """What crosses the page area of any page, once each (a table once, whatever its pages)."""
    found: dict[object, Overflow] = {}
    for page in document.pages:
        page_box = page._page_box
        left, top = page_box.content_box_x(), page_box.content_box_y()
        right, bottom = left + page_box.width, top + page_box.height
        for box, table in _leaves(page_box):
            x, y = box.position_x, box.position_y
            width, height = box.margin_width(), box.margin_height()
            if x >= left - SLACK and y >= top - SLACK and x + width <= right + SLACK and y + height <= bottom + SLACK:
                continue
            if table is not None:
                found.setdefault(id(table), Overflow(f"the table '{_header(table)}'", _first_cell(table), table))
            elif isinstance(box, boxes.ReplacedBox):
                name = (box.element.get("src") or "").rsplit("/", 1)[-1] if box.element is not None else ""
                found.setdefault(("image", name), Overflow(f"the image '{name}'", name))
            else:
                word = max(box.text.split() or [box.text], key=len)
                found.setdefault(("text", word), Overflow(f"the word '{_shortened(word)}'", word,
                                                          element=box.element))
    return list(found.values())


def _leaves(page_box: boxes.PageBox) -> Iterator[tuple[boxes.Box, ET.Element | None]]:
    """Text and image boxes of the page (not of its margins), each with the table it is in."""
    pending: list[tuple[boxes.Box, ET.Element | None]] = [(child, None) for child in page_box.children
                                                          if not isinstance(child, boxes.MarginBox)]
    while pending:
        box, table = pending.pop()
        if isinstance(box, boxes.TableBox) and box.element is not None:
            table = box.element
        if isinstance(box, (boxes.TextBox, boxes.ReplacedBox)):
            yield box, table
        elif isinstance(box, boxes.ParentBox):
            pending.extend((child, table) for child in box.children)


def _cells(table: ET.Element) -> list[str]:
    row = next((el for el in table.iter("tr")), None)
    return [" ".join("".join(cell.itertext()).split()) for cell in row if cell.tag in ("th", "td")] if row else []


def _header(table: ET.Element) -> str:
    cells = [cell for cell in _cells(table) if cell]
    shown = ", ".join(cells[:3]) + (", …" if len(cells) > 3 else "")
    return _shortened(shown, 80)


def _first_cell(table: ET.Element) -> str:
    return next((cell for cell in _cells(table) if cell), "")


def _shortened(text: str, most: int = 40) -> str:
    return text if len(text) <= most else text[:most - 1] + "…"
