"""Refuse, in one linear pass, the Markdown that would make the converter take minutes or recurse.

Python-Markdown looks for the end of every `[`, `<` and run of backticks in the rest of its paragraph:
50 000 unclosed `[` take minutes. Lists indented hundreds of levels take longer than cubic time, and
thousands of nested emphasis marks exhaust the stack. Real brochures come nowhere near these bounds,
so such a paragraph or line is refused in seconds, with a line saying which bound it crossed, rather
than left to run into the render deadline.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

# Marks that make the converter scan the rest of their paragraph, times the paragraph's length.
SCAN_COST_LIMIT = 4_000_000
EMPHASIS_LIMIT = 2000  # `*` and `_` in one paragraph
INDENT_PER_LEVEL = 4  # columns a nested list adds, at most
_LIST_ITEM = re.compile(r"( *)(?:[-*+]|[0-9]{1,9}[.)])(?:[ \t]|$)")
_QUOTES = re.compile(r"(?: {0,3}>)+")
_BACKTICK_RUNS = re.compile(r"`+")
_NUMBER = "{:,}".format


class TooCostly(Exception):
    """Markdown the converter cannot read in reasonable time; `needle` finds its line."""

    def __init__(self, message: str, needle: str) -> None:
        super().__init__(message)
        self.message = message
        self.needle = needle


def check_nesting(body: str, nesting: int) -> None:
    """Lists indented or quotes nested far past the `nesting` limit, before the converter sees them."""
    deepest = INDENT_PER_LEVEL * (nesting + 2)
    for line in body.expandtabs(4).split("\n"):
        quotes = _QUOTES.match(line)
        depth = quotes.group().count(">") if quotes else 0
        if depth > nesting:
            raise TooCostly(f"quotes are nested {depth} deep, over the limit", line[:60])
        item = _LIST_ITEM.match(line, quotes.end() if quotes else 0)
        if item and len(item.group(1)) > deepest:
            raise TooCostly(f"a list item is indented {len(item.group(1))} spaces, nested deeper than the limit",
                            line[:deepest + 20])


def check_paragraph(text: str) -> None:
    """One paragraph's text, before its inline Markdown is read."""
    length = len(text)
    for mark, count, advice in (("[", text.count("["), "write `\\[` for a bracket that opens no link"),
                                ("<", text.count("<"), "write `\\<` for a bracket that opens no tag"),
                                ("`", len(_BACKTICK_RUNS.findall(text)), "write `\\`` for a lone backtick")):
        if count * length > SCAN_COST_LIMIT:
            raise TooCostly(f"this paragraph of {_NUMBER(length)} characters has {_NUMBER(count)} '{mark}': "
                            f"too costly to read (characters × '{mark}' at most {_NUMBER(SCAN_COST_LIMIT)}); "
                            f"split it into shorter paragraphs, or {advice}", _first_line(text))
    emphasis = text.count("*") + text.count("_")
    if emphasis > EMPHASIS_LIMIT:
        raise TooCostly(f"this paragraph has {_NUMBER(emphasis)} emphasis marks ('*' and '_'), over the limit "
                        f"of {_NUMBER(EMPHASIS_LIMIT)} in one paragraph; split it, or write `\\*` for a "
                        "star that is not emphasis", _first_line(text))


def _first_line(text: str) -> str:
    return text.strip().split("\n", 1)[0][:60]


class CostGuard(Treeprocessor):
    """Checks every text the inline patterns are about to read (they run next, at priority 20)."""

    def run(self, root: ET.Element) -> None:
        for element in root.iter():
            for text in (element.text, element.tail):
                if text and not isinstance(text, AtomicString) and len(text) > 1000:
                    check_paragraph(text)
