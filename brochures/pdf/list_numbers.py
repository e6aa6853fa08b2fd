"""Print an ordered list's own numbers: WeasyPrint 70 ignores `<ol start>`, `reversed`, `type` and `<li value>`.

A second list that goes on at "3. Bring your health card." would print "1." on paper while the web
page says 3. Each item of such a list gets its number set by CSS (`counter-set` on the `list-item`
counter, which its marker prints), so the marker stays a real list label (`Lbl` in the tagged PDF).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

LIST_STYLES = {"1": "decimal", "a": "lower-alpha", "A": "upper-alpha", "i": "lower-roman", "I": "upper-roman"}


def number_lists(root: ET.Element) -> None:
    """Set each item's number on the ordered lists of the parsed page that ask for other numbers."""
    for ol in root.iter("ol"):
        items = [child for child in ol if child.tag == "li"]
        values = [_integer(item.get("value")) for item in items]
        start = _integer(ol.get("start"))
        backwards = ol.get("reversed") is not None
        style = LIST_STYLES.get(ol.get("type") or "")
        if style:
            _add_style(ol, f"list-style-type: {style}")
        if start is None and not backwards and all(value is None for value in values):
            continue
        number = start if start is not None else (len(items) if backwards else 1)
        step = -1 if backwards else 1
        for item, value in zip(items, values):
            number = value if value is not None else number
            # Set, and no increment: the number is the same whichever order a renderer applies them in.
            _add_style(item, f"counter-set: list-item {number}; counter-increment: list-item 0")
            number += step


def _integer(value: str | None) -> int | None:
    try:
        return int(value.strip()) if value is not None else None
    except ValueError:
        return None


def _add_style(element: ET.Element, declarations: str) -> None:
    existing = (element.get("style") or "").strip().rstrip(";")
    element.set("style", f"{existing}; {declarations}" if existing else declarations)
