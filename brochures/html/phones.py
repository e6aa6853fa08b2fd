"""Phone numbers in the text become `tel:` links, so that a mailed PDF can dial them."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

# North American numbers, the kind our clinics print: 1-800-363-0063, (514) 555-0123, 514 555 0123.
PHONE_RE = re.compile(r"(?<![\w+-])(?:\+?1[ .-])?(?:\(\d{3}\) ?|\d{3}[ .-])\d{3}[ .-]\d{4}(?![\w-])")
NO_PHONE_LINKS = frozenset({"a", "code", "pre", "kbd"})


def tel_href(phone: str) -> str:
    """A dialable `tel:` URI: international form for North American numbers, digits otherwise."""
    digits = re.sub(r"\D", "", phone)
    if phone.strip().startswith("+"):
        return f"tel:+{digits}"
    if len(digits) == 11 and digits.startswith("1"):
        return f"tel:+{digits}"
    if len(digits) == 10:
        return f"tel:+1{digits}"
    return f"tel:{digits}"


def link_phones(el: ET.Element) -> None:
    """Link phone numbers in the cleaned tree, except inside links and code.

    A pass of its own, after cleaning: removing an element moves its text into a neighbour
    already visited, and that text must be linked too.
    """
    if el.tag in NO_PHONE_LINKS:
        return
    for child in list(el):
        link_phones(child)
        _link_phones_in_tail(el, child)
    _link_phones_in_text(el)


def _phone_parts(text: str) -> list[str | ET.Element]:
    parts: list[str | ET.Element] = []
    position = 0
    for match in PHONE_RE.finditer(text):
        parts.append(text[position:match.start()])
        link = ET.Element("a", {"href": tel_href(match.group()), "class": "tel"})
        link.text = match.group()
        parts.append(link)
        position = match.end()
    parts.append(text[position:])
    return parts


def _link_phones_in_text(el: ET.Element) -> None:
    if not el.text or not PHONE_RE.search(el.text):
        return
    parts = _phone_parts(el.text)
    el.text = parts[0]  # type: ignore[assignment]
    for offset, (link, after) in enumerate(zip(parts[1::2], parts[2::2])):
        assert isinstance(link, ET.Element)
        link.tail = after  # type: ignore[assignment]
        el.insert(offset, link)


def _link_phones_in_tail(parent: ET.Element, child: ET.Element) -> None:
    if not child.tail or not PHONE_RE.search(child.tail):
        return
    parts = _phone_parts(child.tail)
    child.tail = parts[0]  # type: ignore[assignment]
    position = list(parent).index(child) + 1
    for offset, (link, after) in enumerate(zip(parts[1::2], parts[2::2])):
        assert isinstance(link, ET.Element)
        link.tail = after  # type: ignore[assignment]
        parent.insert(position + offset, link)
