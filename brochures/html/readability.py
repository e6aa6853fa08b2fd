"""Reading level of each topic: Flesch–Kincaid grade (English), Kandel–Moles ease (French).

Patient-education standards ask for plain language, about grade 6 to 8. The scores count
sentences, words and syllables in what a patient reads: paragraphs, list items, table cells
and callouts, not headings (fragments, not sentences) nor sources. Syllables come from the
hyphenation dictionaries of pyphen (already installed with WeasyPrint), floored by a count of
vowel groups, since hyphenation never splits next to a word's ends ("every" has no break).
Both are approximations: the report is a guide to the sentences worth rewriting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pyphen
import tinyhtml5

# Blocks whose text a patient reads as sentences; each ends a sentence even without a full stop.
SENTENCE_BLOCKS = frozenset({"p", "li", "dd", "dt", "td", "th", "figcaption", "caption"})
SKIPPED = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "pre", "code", "sup"})
SENTENCE_END_RE = re.compile(r"(?<=[.!?…])[»”\"’)]*\s+")
WORD_RE = re.compile(r"[^\W\d_]+(?:[’'-][^\W\d_]+)*")
VOWELS = {"en": "aeiouy", "fr": "aeiouyàâäéèêëîïôöûùüœæ"}
LONG_WORD_SYLLABLES = 4
SHOWN = 3  # longest sentences and long words listed per topic


@dataclass(frozen=True)
class Readability:
    lang: str
    sentences: int
    words: int
    syllables: int
    score: float  # English: school grade (lower is easier); French: ease 0-100 (higher is easier)
    longest: tuple[str, ...]  # the longest sentences, longest first
    long_words: tuple[str, ...]  # words of LONG_WORD_SYLLABLES or more, most frequent first

    @property
    def measure(self) -> str:
        return "Flesch-Kincaid grade" if self.lang == "en" else "Kandel-Moles ease"

    def meets(self, targets: dict[str, float]) -> bool:
        if self.lang == "en":
            return self.score <= targets["grade"]
        return self.score >= targets["kandel_moles"]


def measure(html: str, lang: str) -> Readability:
    """Score the sanitised body HTML of one translation."""
    sentences = [s for block in _blocks(html) for s in SENTENCE_END_RE.split(block) if WORD_RE.search(s)]
    words = [w for s in sentences for w in WORD_RE.findall(s)]
    counts = {w.lower(): syllable_count(w, lang) for w in words}
    syllables = sum(counts[w.lower()] for w in words)
    n_sentences, n_words = max(1, len(sentences)), max(1, len(words))
    if lang == "fr":
        score = 207 - 1.015 * n_words / n_sentences - 73.6 * syllables / n_words
    else:
        score = 0.39 * n_words / n_sentences + 11.8 * syllables / n_words - 15.59
    longest = sorted(sentences, key=lambda s: len(WORD_RE.findall(s)), reverse=True)[:SHOWN]
    frequency: dict[str, int] = {}
    for word in words:
        if counts[word.lower()] >= LONG_WORD_SYLLABLES:
            frequency[word.lower()] = frequency.get(word.lower(), 0) + 1
    long_words = sorted(frequency, key=lambda w: (-frequency[w], w))
    return Readability(lang, len(sentences), len(words), syllables, round(score, 1),
                       tuple(" ".join(s.split()) for s in longest), tuple(long_words))


def syllable_count(word: str, lang: str) -> int:
    parts = len(_dictionary(lang).positions(word.lower())) + 1
    return max(parts, _vowel_groups(word.lower(), lang))


@lru_cache(maxsize=None)
def _dictionary(lang: str) -> pyphen.Pyphen:
    return pyphen.Pyphen(lang=lang if lang in pyphen.LANGUAGES else "en", left=2, right=2)


def _vowel_groups(word: str, lang: str) -> int:
    vowels = VOWELS.get(lang, VOWELS["en"])
    groups = len(re.findall(f"[{vowels}]+", word))
    # A final mute e is not spoken: "care", "équipe", "cellules".
    if groups > 1 and re.search(r"[^aeiouy](e|es)$" if lang == "fr" else r"[^aeiouyl]e$", word):
        groups -= 1
    return max(1, groups)


def _blocks(html: str) -> list[str]:
    """Text of each sentence block, innermost first; a list item's nested list is its own block."""
    root = tinyhtml5.parse(f"<!DOCTYPE html><html><body>{html}</body></html>", namespace_html_elements=False)
    blocks: list[str] = []

    def visit(el, into: list[str] | None) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in SKIPPED:
            if into is not None and el.tail:
                into.append(el.tail)
            return
        own: list[str] | None = [] if tag in SENTENCE_BLOCKS else into
        if own is not None and el.text:
            own.append(el.text)
        for child in el:
            visit(child, own)
        if tag in SENTENCE_BLOCKS and own is not None:
            blocks.append("".join(own))
        if into is not None and el.tail:
            into.append(el.tail)

    visit(root.find("body"), None)
    return blocks
