"""Keep names of medicines whole: never hyphenated, never split at their own hyphen.

"pembroli-zumab" or "PD-" at the end of a line and "L1" on the next is hard to read and easy
to misread, and a patient may copy the name to a pharmacist. Hyphenation stays on for ordinary
words, so each term is wrapped in <span class="term">, which the stylesheet keeps on one line
without hyphens. A word is a term when it

- mixes digits and letters, or has a capital after its first letter: CTLA-4, PD-L1, CAR-T, HER2;
- ends with the international-name stem of a cancer medicine: pembrolizumab, imatinib, cisplatin;
- is listed in site.yaml `no_hyphenation` (any case);
- or the author marked it: `*nivolumab*{: .term }` or `<span class="term">nivolumab</span>`.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from functools import lru_cache
from typing import Iterable

from brochures.html.typography import PROTECTED_RE

TERM_CLASS = "term"
# Ordinary hyphenated words ("follow-up", "peut-être") are kept on one line
# too: Clear Print guidance says never to split a word, even at its own hyphen.
COMPOUND_CLASS = "compound"
# Stems of international nonproprietary names (WHO) common in cancer care.
MEDICINE_STEMS = (
    "mab", "nib", "ciclib", "parib", "zomib", "degib", "platin", "taxel", "rubicin", "mustine",
    "tecan", "trexed", "citabine", "fosfamide", "poside", "lutamide", "rozole",
)
WORD_RE = re.compile(r"(?<![\w-])[^\W_]+(?:-[^\W_]+)*(?![\w])")
SKIPPED_TAGS = frozenset({"code", "pre", "kbd", "samp"})
SKIPPED_CLASSES = frozenset({TERM_CLASS, COMPOUND_CLASS, "tel", "url"})


STEM_RE = re.compile(r"^.{3,}(?:%s)$" % "|".join(MEDICINE_STEMS))  # a stem after at least 3 letters
DIGIT_RE = re.compile(r"\d")


@lru_cache(maxsize=8192)  # a catalogue repeats its words; each is judged once per process
def is_term(word: str, listed: frozenset[str]) -> bool:
    if len(word) < 2 or not any(c.isalpha() for c in word):
        return False
    lower = word.lower()
    return (
        DIGIT_RE.search(word) is not None
        or word[1:] != lower[1:]  # a capital after the first letter
        or STEM_RE.match(lower) is not None
        or lower in listed
    )


def mark_terms(root: ET.Element, listed: Iterable[str] = ()) -> None:
    """Wrap every term in the tree's text in <span class="term">, in place."""
    _visit(root, frozenset(word.lower() for word in listed))


def _skipped(el: ET.Element) -> bool:
    return el.tag in SKIPPED_TAGS or bool(SKIPPED_CLASSES & set(el.get("class", "").split()))


def _visit(el: ET.Element, listed: frozenset[str]) -> None:
    for child in list(el):
        if not _skipped(child):
            _visit(child, listed)
        _wrap(el, child, "tail", listed)
    _wrap(el, None, "text", listed)


def _wrap(parent: ET.Element, child: ET.Element | None, attr: str, listed: frozenset[str]) -> None:
    """Split parent.text (child None) or child.tail into text and term spans."""
    owner = parent if child is None else child
    text = getattr(owner, attr) or ""
    urls = [m.span() for m in PROTECTED_RE.finditer(text)]
    terms = [m for m in WORD_RE.finditer(text)
             if (is_term(m.group(), listed) or "-" in m.group()) and not any(s <= m.start() < e for s, e in urls)]
    if not terms:
        return
    setattr(owner, attr, text[:terms[0].start()])
    position = 0 if child is None else list(parent).index(child) + 1
    for offset, match in enumerate(terms):
        span = ET.Element("span", {"class": TERM_CLASS if is_term(match.group(), listed) else COMPOUND_CLASS})
        span.text = match.group()
        following = terms[offset + 1].start() if offset + 1 < len(terms) else len(text)
        span.tail = text[match.end():following]
        parent.insert(position + offset, span)
