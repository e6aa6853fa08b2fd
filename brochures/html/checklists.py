"""Task items (`- [ ] Fever over 38 °C`, `- [x] ...`) become check boxes, so a topic can carry a
symptom checklist.

Runs on the sanitised tree (html/sanitize.py's `finish`), after typography: the `<input>` made
here comes from this syntax only, never from content, whose own `<input>` and `<form>` the
sanitiser removes. One markup serves every edition, each stylesheet choosing what shows:

- a PDF for screens: the box is a form field (brochure.css gives it `appearance: auto` under the
  `fillable` body class; pdf/forms.py repairs what WeasyPrint writes);
- a print-only PDF (booklet, print shop): the same box drawn by CSS, with a tick when checked;
- the web edition: a disabled check box (nothing on a web page is kept).

Each box is named after its topic and position (`<topic>--task-<n>`), unique in a bundle, and
sits in a `<label>` with the item's words. Its `title` repeats them for WeasyPrint, which makes a
field's tooltip (/TU), what a screen reader announces, from it; the web edition drops the title
(web/pages.py), where the label names the box.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

TASK_RE = re.compile(r"^\s*\[([ xX])\]\s+")
TITLE_LIMIT = 200  # characters of an item's text kept as its box's title
BLOCKS = frozenset("ul ol p div dl table blockquote pre figure".split())  # what a label stops before


def mark_task_items(root: ET.Element, topic_id: str) -> int:
    """Turn the list items of `root` that start with `[ ]` or `[x]` into check boxes; their count."""
    count = 0
    for item in root.iter("li"):
        holder = _text_holder(item)
        match = TASK_RE.match(holder.text or "") if holder is not None else None
        if holder is None or match is None:
            continue
        marker, holder.text = holder.text[:match.end()], holder.text[match.end():]  # type: ignore[index]
        title = _words(item)
        if not title:  # `- [ ]` alone: nothing to name the box by, so not a task
            holder.text = marker + holder.text
            continue
        count += 1
        box = ET.Element("input", {"type": "checkbox", "class": "task-box", "name": f"{topic_id}--task-{count}",
                                   "title": title[:TITLE_LIMIT], "disabled": "disabled"})
        if match.group(1) != " ":
            box.set("checked", "checked")
        _label(holder, box)
        item.set("class", " ".join(filter(None, [item.get("class"), "task"])))
    return count


def _label(holder: ET.Element, box: ET.Element) -> None:
    """Put the box and the words after it (up to a nested list or other block) in a `<label>`:
    on a web page the words name the box."""
    label = ET.Element("label", {"class": "task-label"})
    box.tail, holder.text = holder.text, None
    label.append(box)
    for child in list(holder):
        if child.tag in BLOCKS:
            break
        holder.remove(child)
        label.append(child)
    holder.insert(0, label)


def _text_holder(item: ET.Element) -> ET.Element | None:
    """The element whose leading text starts the item: the item, or its first paragraph (a
    loose list)."""
    if (item.text or "").strip():
        return item
    first = item[0] if len(item) else None
    if first is not None and first.tag == "p" and (first.text or "").strip():
        return first
    return None


def _words(item: ET.Element) -> str:
    """The item's own text (not that of a list nested in it), on one line."""
    parts = [item.text or ""]
    for child in item:
        if child.tag not in ("ul", "ol"):
            parts.append("".join(child.itertext()))
        parts.append(child.tail or "")
    return " ".join("".join(parts).split())
