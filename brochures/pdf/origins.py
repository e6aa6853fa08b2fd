"""Record, while WeasyPrint tags a page, what the PDF alone cannot tell the structure repair.

WeasyPrint 70 builds the structure tree from its boxes and forgets them; the repair
(`structure.py`) needs to know which HTML element each structure element comes from (a table
continued on the next page is the same table), what each link says in words, which text runs
hold which marked content, the HTML's own text (to tell a hyphen the writer typed from one
that line breaking added), the languages, footnote calls and lead-ins the HTML marks, and what
is decoration: an element hidden from assistive technology (`aria-hidden="true"`) and text that
CSS generates before or after an element without a letter or digit in it (a "!" mark, an arrow,
the invisible break of a `<wbr>`). `recording()` wraps WeasyPrint's tag builder to note them.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from weasyprint.formatting_structure import boxes
from weasyprint.pdf import tags as weasy_tags

DESCRIPTION_LIMIT = 120
WORD_RE = re.compile(r"[^\W\d_]")  # a letter


@dataclass
class Origins:
    """What WeasyPrint knew while tagging and the PDF does not say."""

    keys: dict[int, tuple[int, str, str]] = field(default_factory=dict)  # object → (element, tag, role)
    links: dict[int, str] = field(default_factory=dict)  # link annotation object → description
    silent_links: dict[int, str] = field(default_factory=dict)  # Link element without text → its /Alt
    runs: list[tuple[int, int, str, bool]] = field(default_factory=list)  # (page, MCID, text, ends a line)
    line_ends: set[int] = field(default_factory=set)  # the text boxes that end a line (their ids)
    footnote_areas: set[int] = field(default_factory=set)  # objects of the CSS footnote areas
    source_text: str = ""  # all the HTML's text, to tell a source hyphen from an added one
    ids: dict[str, object] = field(default_factory=dict)  # HTML id → element, for link targets
    parents: dict[object, object] = field(default_factory=dict)  # HTML element → its parent
    note_calls: dict[int, int] = field(default_factory=dict)  # object of a footnote call → its note's element
    lead_ins: set[int] = field(default_factory=set)  # elements of paragraphs introducing a list
    langs: dict[int, str] = field(default_factory=dict)  # object → language of its HTML element
    decorative: set[int] = field(default_factory=set)  # objects of what is there to be seen, not read


def _text(box) -> str:
    if isinstance(box, boxes.TextBox):
        return box.text
    if isinstance(box, boxes.ParentBox):
        return "".join(_text(child) for child in box.children)
    return ""


def _words(text: str) -> str:
    """`text` with its spaces made single, without the invisible format characters (the break
    opportunities and word joiners of a printed address, a soft hyphen) that nobody reads."""
    return " ".join("".join(c for c in text if unicodedata.category(c) != "Cf").split())


def _describe(box, origins: Origins) -> str:
    """A link's description: its label, else its text or its images' alt text, else its address.
    A link broken over two lines has a box on each: each is described by the whole link's text,
    the whole address. A link without a word (a footnote's "[1]") is followed by the text it
    leads to: the note, or from a note, the block of the call it leads back to."""
    element = box.element
    label = element.get("aria-label") or element.get("title")
    if label and _words(label):
        return _words(label)[:DESCRIPTION_LIMIT]
    text = _words(_text(box))
    whole = _words("".join(element.itertext()))
    if whole and whole not in text:  # a fragment; its own text may add generated content
        text = whole
    text = text or _words(" ".join(e.get("alt", "") for e in element.iter())) or element.get("href", "")
    if not WORD_RE.search(text):
        href = element.get("href") or ""
        target = origins.ids.get(href[1:]) if href.startswith("#") else None
        while target is not None and not WORD_RE.search(_read(target)):
            target = origins.parents.get(target)
        if target is not None:
            read = _read(target)
            text = read if read.startswith(text) else f"{text} {read}"
    return text[:DESCRIPTION_LIMIT]


def _read(element) -> str:
    """An element's text in words, without the footnotes floated out of it."""
    parts = [element.text or ""]
    for child in element:
        if "footnote-text" not in (child.get("class") or "").split():
            parts.append(_read(child))
        parts.append(child.tail or "")
    return _words("".join(parts))


_ORIGINAL_BUILD = weasy_tags._build_box_tree
_active = threading.local()  # the Origins being recorded in this thread, if any


def _recording_build(box, parent, pdf, page_number, nums, annotations, tags):
    """WeasyPrint's own tag builder (it calls itself through the module), noting what it sees."""
    origins: Origins | None = getattr(_active, "origins", None)
    if origins is None:
        yield from _ORIGINAL_BUILD(box, parent, pdf, page_number, nums, annotations, tags)
        return
    real = getattr(box, "_box", box)  # absolutely positioned boxes sit behind a placeholder
    if not origins.ids and real.element_tag == "html":
        origins.source_text = _words("".join(real.element.itertext()))
        origins.ids = {e.get("id"): e for e in real.element.iter() if e.get("id")}
        origins.parents = {child: parent for parent in real.element.iter() for child in parent}
    if isinstance(real, boxes.ParentBox):
        for child in real.children:
            if isinstance(child, boxes.LineBox):  # its boxes are built after this one: note its end first
                last = child
                while isinstance(last, boxes.ParentBox) and last.children:
                    last = last.children[-1]
                origins.line_ends.add(id(last))
            for leaf in child.children if isinstance(child, boxes.LineBox) else [child]:
                if isinstance(leaf, boxes.TextBox) and leaf in tags:
                    origins.runs.append((page_number, tags[leaf]["mcid"], leaf.text, id(leaf) in origins.line_ends))
    for element in _ORIGINAL_BUILD(box, parent, pdf, page_number, nums, annotations, tags):
        if isinstance(real, boxes.FootnoteAreaBox):
            origins.footnote_areas.add(element.number)
        elif real.element is not None:
            origins.keys[element.number] = (id(real.element), real.element_tag, str(element["S"]))
            _record_element(origins, real, element.number)
        if real.link_annotation is not None:
            origins.links[real.link_annotation.number] = _describe(real, origins)
            if not _words(_text(real)) and str(element["S"]) == "/Link":
                origins.silent_links[element.number] = origins.links[real.link_annotation.number]
        yield element


def _record_element(origins: Origins, box, number: int) -> None:
    """What the HTML says of the element of structure element `number`: its language (`/Lang`;
    WeasyPrint writes none), whether it is decoration, and what the footnotes' placement needs
    (html/footnotes.py marks it with classes)."""
    element = box.element
    if element.get("aria-hidden") == "true" or (box.element_tag.endswith(("::before", "::after"))
                                                and not re.search(r"\w", _text(box))):
        origins.decorative.add(number)  # hidden, or a CSS glyph: "!", "→", the break of a <wbr>
    if element.get("lang") and element.tag != "html":
        origins.langs[number] = element.get("lang")
    classes = (element.get("class") or "").split()
    if "footnote-call" in classes and element.tag == "a":
        note = origins.ids.get((element.get("href") or "")[1:])
        if note is not None:
            origins.note_calls[number] = id(note)
    elif "lead-in" in classes:
        origins.lead_ins.add(id(element))


@contextmanager
def recording() -> Iterator[Origins]:
    """Record the origins of WeasyPrint's structure elements during `write_pdf` in this block.

    The hook stays installed once set, and records only in a thread inside this block.
    """
    weasy_tags._build_box_tree = _recording_build
    _active.origins = Origins()
    try:
        yield _active.origins
    finally:
        _active.origins = None
