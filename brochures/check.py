"""Validate a whole catalogue without rendering: for a content team's own CI, in well under a second."""

from __future__ import annotations

import datetime
import os
from pathlib import Path
from typing import TYPE_CHECKING

from brochures.content.bundles import load_bundles
from brochures.content.catalogue import Catalogue, load_catalogue
from brochures.content.editions import load_editions
from brochures.content.frontmatter import Translation
from brochures.content.languages import source_language_problems
from brochures.content.review import overdue_problems
from brochures.content.sync import sync_problems
from brochures.html.fonts import stylesheet_font_problems
from brochures.html.messages import catalogue_gaps, load_messages, template_messages
from brochures.html.topic import locales_dirs, topic_context
from brochures.problems import ContentError, Problem
from brochures.resources import STYLES_DIR, TEMPLATES_DIR

if TYPE_CHECKING:
    from brochures.html.readability import Readability


def check_catalogue(content_dir: Path, today: datetime.date, strict: bool = False) -> list[Problem]:
    """Every problem a build would report before layout: front matter, links, images, HTML,
    bundles, layout-text catalogue gaps, translations missing, stale or orphaned (errors), sources
    that seem to be in another language and do not say so, reviews overdue on `today` (errors
    when `strict`), and characters the stylesheets generate that no shipped font has."""
    try:
        catalogue = load_catalogue(content_dir)
    except ContentError as exc:
        return list(exc.problems)
    problems = list(catalogue.problems) + list(load_bundles(catalogue).problems)
    try:
        load_editions(catalogue)
    except ContentError as exc:
        problems.extend(exc.problems)
    used = template_messages([TEMPLATES_DIR])  # read once for every language
    for lang in catalogue.site.languages:
        try:
            messages = load_messages(locales_dirs(catalogue), lang)
        except ContentError as exc:
            problems.extend(exc.problems)
            continue
        problems.extend(catalogue_gaps(messages, used))
    problems.extend(sync_problems(catalogue))
    problems.extend(source_language_problems(catalogue))
    for topic in catalogue.topics.values():
        for translation in topic.translations.values():
            problems.extend(topic_context(catalogue, translation, strict, layout=False)[1])
    problems.extend(overdue_problems(_translations(catalogue), catalogue.site.review_months, today, strict))
    clinic = content_dir / "styles"
    stylesheets = [clinic / p.name if os.path.lexists(clinic / p.name) else p for p in sorted(STYLES_DIR.glob("*.css"))]
    problems.extend(stylesheet_font_problems(stylesheets, "error" if strict else "warning"))
    return problems


def readability_report(content_dir: Path) -> tuple[list[str], list[Problem]]:
    """Lines to print per topic and language, and a problem for each topic off the site target."""
    from brochures.html.readability import measure  # pyphen's dictionaries: only with --readability

    try:
        catalogue = load_catalogue(content_dir)
    except ContentError as exc:
        return [], list(exc.problems)
    targets = dict(catalogue.site.readability)
    lines: list[str] = []
    problems: list[Problem] = []
    for translation in _translations(catalogue):
        topic, _ = topic_context(catalogue, translation)
        result = measure(topic.body_html, translation.lang)
        target = _target_text(result, targets)
        verdict = "ok" if result.meets(targets) else "ABOVE TARGET"
        lines.append(f"{translation.topic_id} ({translation.lang}): {result.measure} {result.score:g} "
                     f"({target}): {verdict}; {result.sentences} sentences, {result.words} words, "
                     f"{result.words / max(1, result.sentences):.1f} words per sentence")
        for sentence in result.longest:
            lines.append(f"    long sentence ({len(sentence.split())} words): {sentence}")
        if result.long_words:
            lines.append(f"    words of many syllables: {', '.join(result.long_words[:12])}")
        if not result.meets(targets):
            problems.append(Problem(translation.src_path, f"readability: {result.measure} {result.score:g}, "
                                    f"{target}; shorten the long sentences and use simpler words"))
    return lines, problems


def _translations(catalogue: Catalogue) -> list[Translation]:
    return [topic.translations[lang] for topic in catalogue.topics.values()
            for lang in catalogue.site.languages if lang in topic.translations]


def _target_text(result: Readability, targets: dict[str, float]) -> str:
    if result.lang == "en":
        return f"site target: at most {targets['grade']:g}"
    return f"site target: at least {targets['kandel_moles']:g}"
