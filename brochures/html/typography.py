"""Typographic quotes and French spacing for the printed text, in the reader's language.

Authors type straight quotes and ordinary spaces; a careful brochure prints “ ” and ’ in
English, « » in French, and never lets « ? » or « : » start a line. Only printed text is
changed: never code, phone links, URLs, e-mail addresses or attribute values.

Conventions for French (site setting `typography`):

- `fr-CA` (the default): Office québécois de la langue française. No-break space inside
  « » and before « : »; no space before « ; ! ? » (the OQLF allows a fine space or none).
- `fr-FR`: the France convention also spaces « ; ! ? ». Its fine no-break space (U+202F)
  is not in the brochure font (Atkinson Hyperlegible also lacks U+2009), and any character
  missing from the font would print in a fallback font, so a no-break space (U+00A0) is
  used, as French word processors do.

Other languages print as written. Text spread over several elements (`**mot** :`) is
treated as one stream, so a rule sees the words on both sides of a tag.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Callable

from brochures.content.settings import DEFAULT_CONVENTION

NBSP = "\u00a0"
# Every character these rules may emit; tests check the font has all of them.
EMITTED = "«»“”‘’" + NBSP

# Private-use markers in the stream: end of a text slot, an element left alone (code), a block edge.
MARK, OPAQUE, BLOCK = "\ue000", "\ue001", "\ue002"
SKIPPED_TAGS = frozenset({"code", "pre", "kbd", "samp", "script", "style"})
BLOCK_TAGS = frozenset("""
    p li dt dd h1 h2 h3 h4 h5 h6 td th caption figcaption blockquote div section aside
    article header footer ul ol dl table tr figure
""".split())
# URLs and e-mail addresses, without the punctuation of the sentence around them.
PROTECTED_RE = re.compile(
    r"(?:https?://|mailto:|tel:|www\.)[^\s\"'«»<>\ue000-\ue002]*[^\s\"'«»<>.,;:!?)\ue000-\ue002]"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
)
GAP = f"[ \\t\\n\\r{NBSP}{MARK}]*"  # spaces and slot ends between a word and its punctuation
AFTER_WORD = f"(?<=[^\\s{MARK}{BLOCK};:!?])"
QUOTE_RE = re.compile("[\"']")
OPENING_CONTEXT = f" \t\n\r{NBSP}{BLOCK}([{{«“‘—–-/"

Rule = Callable[[str], str]


def typeset(text: str, lang: str, convention: str = DEFAULT_CONVENTION) -> str:
    """Typeset one printed string (a title, a summary, a layout message)."""
    return _typeset_stream(BLOCK + text + BLOCK, lang, convention).strip(BLOCK)


def typeset_tree(root: ET.Element, lang: str, convention: str = DEFAULT_CONVENTION) -> None:
    """Typeset the text and tails of a sanitised tree in place; a phrase or block marked in
    another language (`lang="fr"` in an English brochure) follows that language's rules."""
    items: list[tuple[ET.Element, str] | str] = []
    others: list[ET.Element] = []
    _collect(root, items, _primary(lang), others, is_root=True)
    slots = [item for item in items if not isinstance(item, str)]
    stream = "".join(item if isinstance(item, str) else (getattr(item[0], item[1]) or "") + MARK
                     for item in items)
    parts = _typeset_stream(stream, lang, convention).split(MARK)
    for (el, attr), part in zip(slots, parts):
        new = part.replace(OPAQUE, "").replace(BLOCK, "")
        if new != (getattr(el, attr) or ""):
            setattr(el, attr, new)
    for other in others:
        typeset_tree(other, other.get("lang", lang), convention)


def _primary(lang: str) -> str:
    """The language of a tag: "fr" for "fr-CA"."""
    return lang.split("-")[0].lower()


def _collect(el: ET.Element, items: list[tuple[ET.Element, str] | str], lang: str, others: list[ET.Element],
             is_root: bool = False) -> None:
    """The tree's text slots in reading order, with markers for what lies between them; the
    elements in another language than `lang` go to `others`, to be typeset by their own rules."""
    block = not is_root and el.tag in BLOCK_TAGS
    if block:
        items.append(BLOCK)
    items.append((el, "text"))
    for child in el:
        if not isinstance(child.tag, str) or child.tag in SKIPPED_TAGS or "tel" in child.get("class", "").split():
            items.append(OPAQUE)
        elif child.get("lang") and _primary(child.get("lang", "")) != lang:
            items.append(OPAQUE)
            others.append(child)
        elif child.tag in ("br", "hr", "img"):
            items.append(BLOCK)
        else:
            _collect(child, items, lang, others)
        items.append((child, "tail"))
    if block:
        items.append(BLOCK)


def _typeset_stream(stream: str, lang: str, convention: str) -> str:
    lang = _primary(lang)
    if lang == "en":
        return _quotes(stream, english=True)
    if lang == "fr":
        stream = _quotes(stream, english=False)
        for rule in _french_rules(convention):
            stream = rule(stream)
    return stream


def _protected(stream: str) -> list[tuple[int, int]]:
    return [m.span() for m in PROTECTED_RE.finditer(stream)]


def _touches(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) overlaps or borders a URL: its own punctuation stays as written."""
    return any(s <= end and start <= e for s, e in spans)


def _rule(pattern: str, replace: Callable[[re.Match[str]], str], protect: bool = True) -> Rule:
    """A substitution, skipped next to URLs when `protect` (« » never occur inside one)."""
    regex = re.compile(pattern)

    def apply(stream: str) -> str:
        spans = _protected(stream) if protect else []
        return regex.sub(lambda m: m.group() if _touches(spans, *m.span()) else replace(m), stream)

    return apply


def _marks(text: str) -> str:
    """Keep the slot ends of a replaced gap, so each text goes back to its element."""
    return MARK * text.count(MARK)


def _french_rules(convention: str) -> list[Rule]:
    before_exclamation = NBSP if convention == "fr-FR" else ""
    return [
        _rule(f"«({GAP})", lambda m: "«" + NBSP + _marks(m.group(1)), protect=False),
        _rule(f"({GAP})»", lambda m: _marks(m.group(1)) + NBSP + "»", protect=False),
        _rule(f"{AFTER_WORD}({GAP}):(?=[\\s{MARK}{BLOCK}]|$)", lambda m: _marks(m.group(1)) + NBSP + ":"),
        _rule(f"{AFTER_WORD}({GAP})(?=[;!?])", lambda m: _marks(m.group(1)) + before_exclamation),
    ]


def _quotes(stream: str, english: bool) -> str:
    """Straight quotes to typographic ones: opening after a space or a bracket, else closing.

    French prints « » for quotes (“ ” inside them) and ’ for every apostrophe. Only the quotes
    are visited, each looking back to the last printed character (a slot end prints nothing).
    """
    positions = [match.start() for match in QUOTE_RE.finditer(stream)]
    if not positions:
        return stream
    spans = _protected(stream)
    chars = list(stream)
    depth = 0
    for index in positions:
        if any(s <= index < e for s, e in spans):
            continue
        before = index - 1
        while before >= 0 and chars[before] == MARK:
            before -= 1
        opening = (chars[before] if before >= 0 else BLOCK) in OPENING_CONTEXT
        if chars[index] == "'":
            chars[index] = "‘" if english and opening else "’"
        elif opening:
            chars[index] = "“" if english or depth else "«"
            depth += 1
        else:
            depth = max(depth - 1, 0)
            chars[index] = "”" if english or depth else "»"
    return "".join(chars)
