"""Footnotes where a reader meets them: the call a link to its note, the note a link back to it.

Python-Markdown writes a call as `<sup><a href="#fn:x">1</a></sup>` and gathers the notes in a
list at the end of the body, where nobody reads them at the right time. Here each call becomes
a link "[1]" to its note, and each note starts with "[1]", a link back to its call:

- in a brochure, the note is a `<span class="footnote-text">` right after its call, which the
  stylesheet floats to the foot of the page where the call prints (CSS `float: footnote`); the
  structure repair (pdf/structure.py) then tags it as a `Note` read after the block that calls
  it, like the web page shows it;
- on a web page, the note is a block (`role="doc-footnote"`) right after the block that calls
  it, or after the list that block introduces (a `lead-in`, see pagination.py), so that a
  sentence and its list are never cut by a note.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

CALL_CLASS = "footnote-call"
BACK_CLASS = "footnote-back"
PRINTED_NOTE_CLASS = "footnote-text"
WEB_NOTE_CLASS = "footnote"
# Blocks after which (paragraphs, headings) or at whose end (the others) a web page shows a note.
AFTER_BLOCKS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6"})
INSIDE_BLOCKS = frozenset({"li", "dt", "dd", "td", "th", "caption", "figcaption", "blockquote", "div"})
LISTS = ("ul", "ol", "dl")


def place_footnotes(root: ET.Element, web: bool = False) -> None:
    """Make the calls links, move each note to its place (see the module docstring), in place."""
    notes: dict[str, ET.Element] = {}  # note id → its list item
    boxes = [(parent, box) for parent in root.iter() for box in parent
             if box.tag == "div" and WEB_NOTE_CLASS in box.get("class", "").split()]
    for _, box in boxes:
        for items in box.iter("ol"):
            for item in items.findall("li"):
                if item.get("id"):
                    notes[item.get("id", "")] = item
    if not notes:
        return
    parents = {child: parent for parent in root.iter() for child in parent}
    placed: set[str] = set()
    for sup in [el for el in root.iter("sup") if el.find("a") is not None]:
        link = sup.find("a")
        assert link is not None
        note_id = link.get("href", "").lstrip("#")
        item = notes.get(note_id)
        if item is None:
            continue
        number = "".join(link.itertext()).strip()
        call = ET.Element("a", {"class": CALL_CLASS, "href": f"#{note_id}", "id": sup.get("id", f"ref-{note_id}")})
        call.text = f"[{number}]"
        if web:
            call.set("role", "doc-noteref")
        parent = parents[sup]
        index = list(parent).index(sup)
        parent.remove(sup)
        parent.insert(index, call)
        parents[call] = parent
        if note_id in placed:
            call.tail = sup.tail
            continue  # a second call of the same note: the note is already placed
        placed.add(note_id)
        back = ET.Element("a", {"class": BACK_CLASS, "href": f"#{call.get('id')}"})
        back.text = f"[{number}]"
        if web:
            back.set("role", "doc-backlink")
            call.tail = sup.tail
            _show_after_block(_web_note(item, note_id, back), call, parents)
        else:
            note = _printed_note(item, note_id, back)
            note.tail = sup.tail
            parent.insert(index + 1, note)
        del item.attrib["id"]  # its id is the note's now
    for parent, box in boxes:
        if all(item.get("id") is None for item in box.iter("li")):  # every note found its call
            parent.remove(box)


def _note_content(item: ET.Element) -> list[ET.Element]:
    """The note's paragraphs (the sanitiser removed Markdown's empty link back)."""
    blocks = [child for child in item if child.tag == "p"]
    if not blocks:
        paragraph = ET.Element("p")
        paragraph.text = item.text
        paragraph.extend(list(item))
        blocks = [paragraph]
    for block in blocks:
        _strip_end(block)
    return blocks


def _strip_end(block: ET.Element) -> None:
    if len(block):
        block[-1].tail = (block[-1].tail or "").rstrip()
    else:
        block.text = (block.text or "").rstrip()


def _printed_note(item: ET.Element, note_id: str, back: ET.Element) -> ET.Element:
    """One inline element (a CSS footnote floats an inline): "[1] " and the paragraphs, joined
    by line breaks."""
    span = ET.Element("span", {"class": PRINTED_NOTE_CLASS, "id": note_id})
    span.append(back)
    back.tail = " "
    for number, block in enumerate(_note_content(item)):
        if number:
            ET.SubElement(span, "br")
        span[-1].tail = (span[-1].tail or "") + (block.text or "").lstrip()
        span.extend(list(block))
    _strip_end(span)
    return span


def _web_note(item: ET.Element, note_id: str, back: ET.Element) -> ET.Element:
    box = ET.Element("div", {"class": WEB_NOTE_CLASS, "id": note_id, "role": "doc-footnote"})
    blocks = _note_content(item)
    first = blocks[0]
    back.tail = " " + (first.text or "").lstrip()
    first.text = ""
    first.insert(0, back)
    box.extend(blocks)
    return box


def _show_after_block(note: ET.Element, call: ET.Element, parents: dict[ET.Element, ET.Element]) -> None:
    """Put a web note after the block holding `call` (after the list a lead-in introduces, after
    the notes of earlier calls already there), or at the end of a list item or table cell."""
    block = call
    while block in parents and block.tag not in AFTER_BLOCKS | INSIDE_BLOCKS:
        block = parents[block]
    if block not in parents or block.tag in INSIDE_BLOCKS:
        block.append(note)
        parents[note] = block
        return
    parent = parents[block]
    siblings = list(parent)
    at = siblings.index(block) + 1
    if "lead-in" in block.get("class", "").split() and at < len(siblings) and siblings[at].tag in LISTS:
        at += 1
    while at < len(siblings) and siblings[at].get("role") == "doc-footnote":
        at += 1
    anchor = siblings[at - 1]
    parent.insert(at, note)
    note.tail, anchor.tail = anchor.tail, None
    parents[note] = parent
