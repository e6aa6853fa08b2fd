"""Where Python-Markdown would silently drop or garble what a writer typed, read it as CommonMark does.

- Any ASCII punctuation can be escaped with a backslash (`\\<`, `\\&`, `\\[`), as in CommonMark.
- A link reference definition (`[label]: target`) is read only at the start of a block, never in the
  middle of a paragraph ("Useful numbers:" then `[Pharmacy]: 514-555-0199` prints as written), and
  every definition is recorded with whether a link used it: one that no link uses prints nothing,
  which the writer is told.
- Text in angle brackets prints as written unless it is a well-formed tag of an HTML element
  (`<your health card>`, `<a h*#ref="hi">`, `</a href="x">`); real elements go on to the sanitiser,
  which keeps or removes them with a warning.
- `&#87654321;` and other references to no character print as written.
- The converter's internal placeholders (escaped characters between STX and ETX) never reach the
  output: an e-mail autolink with an escape (`<nurse\\_team@example.org>`) gets its characters back.
"""

from __future__ import annotations

import html.entities
import re
import string
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import markdown
from markdown import util
from markdown.blockprocessors import ReferenceProcessor
from markdown.extensions import Extension
from markdown.inlinepatterns import (
    AUTOMAIL_RE,
    ENTITY_RE,
    ESCAPE_RE,
    HTML_RE,
    AutomailInlineProcessor,
    EscapeInlineProcessor,
    HtmlInlineProcessor,
)
from markdown.postprocessors import Postprocessor

# Every element name of HTML: a tag with one of these names is markup (kept or removed by the
# sanitiser, with a warning); any other name in angle brackets is the writer's text.
HTML_ELEMENTS = frozenset("""
    a abbr address applet area article aside audio b base basefont bdi bdo big blink blockquote body br
    button canvas caption center cite code col colgroup data datalist dd del details dfn dialog dir div dl
    dt em embed fieldset figcaption figure font footer form frame frameset h1 h2 h3 h4 h5 h6 head header
    hgroup hr html i iframe image img input ins isindex kbd keygen label legend li link listing main map
    mark marquee math menu menuitem meta meter nav nobr noembed noframes noscript object ol optgroup option
    output p param picture plaintext portal pre progress q rb rp rt rtc ruby s samp script search section
    select slot small source spacer span strike strong style sub summary sup svg table tbody td template
    textarea tfoot th thead time title tr track tt u ul var video wbr xmp
""".split())
_NAME = r"[A-Za-z][A-Za-z0-9-]*+"
_ATTRIBUTE = r"""\s++[A-Za-z_:][A-Za-z0-9_.:-]*+(?:\s*+=\s*+(?:[^"'=<>`\s]++|'[^']*+'|"[^"]*+"))?+"""
# CommonMark's grammar of an open and a closing tag: anything else in angle brackets is text.
_TAG = re.compile(rf"<(?P<open>{_NAME})(?:{_ATTRIBUTE})*+\s*+/?>|</(?P<close>{_NAME})\s*+>")
# `&amp;` written past the serializer, which leaves an `&` followed by a name unescaped.
LITERAL_AMPERSAND = util.AMP_SUBSTITUTE + "amp;"
_ESCAPED = re.compile(f"{util.STX}([0-9]+){util.ETX}")
# A numeric reference names a character only up to 7 decimal or 6 hexadecimal digits (CommonMark).
_NUMERIC = re.compile(r"&#(?:([0-9]{1,7})|[xX]([0-9a-fA-F]{1,6}));")


@dataclass(frozen=True)
class Definition:
    label: str  # between the brackets, on one line
    text: str  # the whole definition, on one line
    first_line: str  # as the writer wrote it, to find it by
    used: bool = False


def unescape(text: str) -> str:
    """Escaped characters back in place of their placeholders."""
    return _ESCAPED.sub(lambda m: chr(int(m.group(1))), text)


class _Definitions(dict):
    """`Markdown.references` that remembers which labels a link looked up."""

    def __init__(self) -> None:
        super().__init__()
        self.used: set[str] = set()
        self.found: list[tuple[str, str, str]] = []  # (key, label, definition) in the order found

    def __getitem__(self, key: str) -> tuple[str, str]:
        self.used.add(key)
        return super().__getitem__(key)

    def clear(self) -> None:
        super().clear()
        self.used = set()
        self.found = []

    def definitions(self) -> list[Definition]:
        """Each definition, used when a link looked it up and no later one replaced it."""
        last = {key: index for index, (key, _, _) in enumerate(self.found)}
        return [Definition(" ".join(label.split()), " ".join(text.split()), text.strip().split("\n")[0],
                           key in self.used and last[key] == index)
                for index, (key, label, text) in enumerate(self.found)]


class _BlockStartReferences(ReferenceProcessor):
    """Definitions at the start of a block only: CommonMark's rule, which keeps lines shaped like
    `[label]: target` inside a paragraph as printed text."""

    def run(self, parent: ET.Element, blocks: list[str]) -> bool:
        block = blocks.pop(0)
        end = 0
        found = self.parser.md.references
        for m in self.RE.finditer(block):
            if m.start() != 0 if end == 0 else (block[end:m.start()].strip("\n") or "\n" in m.group()):
                break  # the first at the very start; each next on the following lines, one line each
            label = m.group(1)
            key = label.strip().lower()
            found[key] = (m.group(2).lstrip("<").rstrip(">"), m.group(5) or m.group(6))
            if isinstance(found, _Definitions):
                found.found.append((key, label, m.group()))
            end = m.end()
        if end == 0:
            blocks.insert(0, block)
            return False
        if block[end:].strip():
            blocks.insert(0, block[end:].lstrip("\n"))
        return True


class _RawHtml(HtmlInlineProcessor):
    """Raw HTML only when it is a well-formed tag of an HTML element (or a comment); otherwise the
    `<` is text and the rest is read on as Markdown."""

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[str | None, int, int]:  # noqa: N802
        raw = m.group(1)
        if not raw.startswith(("<!", "<?")):
            tag = _TAG.fullmatch(self.backslash_unescape(self.unescape(raw)))
            name = tag and (tag.group("open") or tag.group("close"))
            if not name or name.lower() not in HTML_ELEMENTS:
                return "<", m.start(0), m.start(0) + 1
        return super().handleMatch(m, data)


class _Entity(HtmlInlineProcessor):
    """A character reference only when it names a character; `&#87654321;` prints as written."""

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[str | None, int, int]:  # noqa: N802
        raw = m.group(1)
        numeric = _NUMERIC.fullmatch(raw)
        if numeric:
            code = int(numeric.group(1)) if numeric.group(1) else int(numeric.group(2), 16)
            valid = code <= 0x10FFFF
        else:
            valid = not raw.startswith("&#") and raw[1:] in html.entities.html5
        if not valid:
            return LITERAL_AMPERSAND, m.start(0), m.start(0) + 1
        return super().handleMatch(m, data)


class _Escape(EscapeInlineProcessor):
    """`\\&` prints an ampersand even before a name (`\\&ouml;`): the serializer would leave it
    to be read as a reference."""

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[str | None, int, int]:  # noqa: N802
        if m.group(1) == "&":
            return LITERAL_AMPERSAND, m.start(0), m.end(0)
        return super().handleMatch(m, data)


class _Automail(AutomailInlineProcessor):
    """An e-mail autolink whose escaped characters are the characters, not their placeholders."""

    def unescape(self, text: str) -> str:
        return unescape(super().unescape(text))


class _NoPlaceholders(Postprocessor):
    """Last: an escaped character left as a placeholder (inside raw HTML) becomes the character."""

    def run(self, text: str) -> str:
        return _ESCAPED.sub(lambda m: html_escape(chr(int(m.group(1)))), text)


def html_escape(char: str) -> str:
    return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}.get(char, char)


class CommonMarkReading(Extension):
    """The rules of this module, for one converter."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API name)
        md.ESCAPED_CHARS = list(string.punctuation)
        md.references = _Definitions()
        md.parser.blockprocessors.register(_BlockStartReferences(md.parser), "reference", 15)
        md.inlinePatterns.register(_Escape(ESCAPE_RE, md), "escape", 180)
        md.inlinePatterns.register(_Automail(AUTOMAIL_RE, md), "automail", 110)
        md.inlinePatterns.register(_RawHtml(HTML_RE, md), "html", 90)
        md.inlinePatterns.register(_Entity(ENTITY_RE, md), "entity", 80)
        md.postprocessors.register(_NoPlaceholders(md), "no_placeholders", 0)


def definitions(md: markdown.Markdown) -> list[Definition]:
    """The link reference definitions of the body just converted."""
    found = md.references
    return found.definitions() if isinstance(found, _Definitions) else []
