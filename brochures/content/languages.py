"""Which sources seem to be in another language than their brochure, from their common words.

A source title in French in an English brochure is read by a screen reader with an English
voice unless the source says `lang: fr`. `check` warns when a title is clearly in another site
language: a cheap test, enough for titles. Each site language with a list below is counted by
its short function words (articles, prepositions, pronouns); a title is "clearly" in a language
when at least two of its words are that language's and twice as many as any other's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from babel import Locale, UnknownLocaleError

from brochures.content.catalogue import Catalogue
from brochures.problems import Problem

COMMON_WORDS = {
    "en": frozenset("""
        the and of to for with your you how what when why is are in on about from an by this that
        be it or as at its their our can after before during
    """.split()),
    "fr": frozenset("""
        le la les l du de des d et pour sur un une vos votre au aux avec dans qu que qui est ce
        cette ces à ou par sa ses leur leurs ne pas contre vous comment quand pendant après
    """.split()),
    "es": frozenset("""
        el la los las del de y para con por su sus un una lo al es que en sobre cómo qué cuando
        durante después
    """.split()),
}
WORD_RE = re.compile(r"[^\W\d_]+")


def likely_language(text: str, candidates: Iterable[str]) -> str | None:
    """The one of `candidates` that `text` is clearly in, or None when its words do not say."""
    words = WORD_RE.findall(text.lower())
    counts = sorted(((sum(word in COMMON_WORDS[lang] for word in words), lang)
                     for lang in candidates if lang in COMMON_WORDS), reverse=True)
    if not counts or counts[0][0] < 2 or (len(counts) > 1 and counts[0][0] < 2 * counts[1][0]):
        return None
    return counts[0][1]


def source_language_problems(catalogue: Catalogue) -> list[Problem]:
    """A warning for each source whose title is clearly in another site language and says no `lang`."""
    problems = []
    languages = catalogue.site.languages
    for topic in catalogue.topics.values():
        for translation in topic.translations.values():
            for number, source in enumerate(translation.sources, start=1):
                found = None if source.lang else likely_language(source.title, languages)
                if found is not None and found != translation.lang:
                    problems.append(Problem(
                        translation.src_path,
                        f"front matter: source {number} ('{_short(source.title)}') seems to be in {_name(found)}: "
                        f"add 'lang: {found}' under its title, so that screen readers read it in that language",
                        translation.sources_line, "warning"))
    return problems


def _short(title: str) -> str:
    return title if len(title) <= 40 else title[:39] + "…"


def _name(lang: str) -> str:
    try:
        return Locale.parse(lang).get_display_name("en") or lang
    except (UnknownLocaleError, ValueError):
        return lang
