"""Mark the body so that the stylesheet can keep together what a reader reads together.

CSS alone cannot see that a paragraph ends with a colon, or count a list's items, so the HTML
stage says it with classes (brochure.css holds the rules):

- `lead-in`: a paragraph ending with ":" right before a list; it never ends a page;
- `short`: a list of at most SHORT_LIST items; it is never split (ordered lists, steps, and
  definition lists never are, whatever their length, as far as a page can hold them);
- footnotes move next to their call (footnotes.py): at the foot of the page where the call
  prints, or on a web page after the block that calls them;
- titles and headings keep their last two words on one line, so a line never holds one lonely
  word (WeasyPrint has no `text-wrap: balance`).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from markupsafe import Markup, escape

from brochures.html.footnotes import place_footnotes

SHORT_LIST = 6
LISTS = ("ul", "ol", "dl")
# A last line of one word is only avoided for words this short; longer pairs may need to wrap.
BALANCE_MAX = 24


def mark_pagination(root: ET.Element, web: bool = False) -> None:
    """Add `lead-in` and `short` classes and place the footnotes, in place (`web`: for a web page)."""
    for parent in root.iter():
        children = list(parent)
        for el, following in zip(children, children[1:] + [None]):
            if (el.tag == "p" and following is not None and following.tag in LISTS
                    and not (el.tail or "").strip() and "".join(el.itertext()).rstrip().endswith(":")):
                _add_class(el, "lead-in")
            if el.tag in ("ul", "ol") and len(el.findall("li")) <= SHORT_LIST:
                _add_class(el, "short")
        for el in children:
            if el.tag in ("h2", "h3", "h4"):
                keep_last_words(el)
    place_footnotes(root, web)


def keep_last_words(el: ET.Element) -> None:
    """Keep the last two words of a plain-text heading on one line (in a `nowrap` span)."""
    if len(el):
        return  # marked-up headings are left as they are
    split = _last_two(el.text or "")
    if split:
        el.text = split[0]
        ET.SubElement(el, "span", {"class": "nowrap"}).text = split[1]


def balanced(text: str) -> Markup:
    """A title, escaped, with its last two words kept on one line: for the templates."""
    split = _last_two(text)
    if not split:
        return escape(text)
    return escape(split[0]) + Markup('<span class="nowrap">') + escape(split[1]) + Markup("</span>")


def _last_two(text: str) -> tuple[str, str] | None:
    """(head, last two words) when there are at least three words and the last two are short."""
    words = text.strip().split(" ")
    if len(words) < 3 or len(words[-2]) + len(words[-1]) + 1 > BALANCE_MAX:
        return None
    cut = text.rstrip().rfind(words[-2] + " " + words[-1])
    return text[:cut], text[cut:]


def _add_class(el: ET.Element, name: str) -> None:
    classes = el.get("class", "").split()
    if name not in classes:
        el.set("class", " ".join([*classes, name]))
