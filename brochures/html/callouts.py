"""Urgent callouts carry the clinic's phone number where the danger is described.

A reader who has just read "Call your care team right away if..." must not hunt for the
number in the footer. The admonition types an author may use:

- `warning`: call the care team now; gets the clinic's phone number, bold, as a `tel:` link;
- `danger`: go to the emergency department (or call emergency services); gets the number too;
- `caution`, `important`: read this carefully; framed, no phone number;
- `note`, `tip` and any other type: quiet advice.

The urgent ones are marked `urgent` so that the stylesheet can make them read as urgent on a
black-and-white printer too (a heavier frame and a mark before the title, not hue alone). The
mark, "!", is decoration: the title says what it means. It is `aria-hidden`, which a web page's
screen reader skips and the tagged PDF makes an artifact (pdf/origins.py).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Callable

URGENT_TYPES = ("warning", "danger")
ATTENTION_TYPES = ("caution", "important")
# Layout text added to urgent callouts, translated by the language's catalogue like the templates'.
URGENT_CALLS = {
    "warning": "Call your care team now:",
    "danger": "Your care team:",
}


def admonition_type(el: ET.Element) -> str | None:
    classes = el.get("class", "").split()
    if el.tag != "div" or "admonition" not in classes:
        return None
    return next((c for c in classes if c != "admonition"), "note")


def mark_urgent_callouts(root: ET.Element, phone: tuple[str, str] | None,
                         gettext: Callable[[str], str] | None) -> int:
    """Add the class `urgent` and, when a phone number is known, a bold `tel:` line to each
    urgent callout; return how many urgent callouts there are."""
    count = 0
    for el in root.iter("div"):
        kind = admonition_type(el)
        if kind not in URGENT_TYPES:
            continue
        count += 1
        el.set("class", f"{el.get('class', '')} urgent".strip())
        title = el.find("p[@class='admonition-title']")
        if title is not None and title.find("span[@class='urgent-mark']") is None:
            mark = ET.Element("span", {"class": "urgent-mark", "aria-hidden": "true"})
            mark.text, mark.tail, title.text = "!", title.text, None
            title.insert(0, mark)
        if phone is None or gettext is None or el.find("p[@class='urgent-call']") is not None:
            continue
        text, href = phone
        line = ET.SubElement(el, "p", {"class": "urgent-call"})
        line.text = gettext(URGENT_CALLS[kind]) + " "
        strong = ET.SubElement(line, "strong")
        link = ET.SubElement(strong, "a", {"href": href, "class": "tel"})
        link.text = text
    return count
