"""Validate a whole catalogue without rendering: for a content team's own CI, in well under a second."""

from __future__ import annotations

from pathlib import Path

from .catalogue import load_catalogue
from .messages import catalogue_gaps, load_messages
from .pipeline import TEMPLATES_DIR, locales_dirs, topic_context
from .problems import ContentError, Problem
from .sync import sync_problems


def check_catalogue(content_dir: Path) -> list[Problem]:
    """Every problem a build would report before layout: front matter, links, images, HTML,
    layout-text catalogue gaps; and translations missing, stale or orphaned, as errors."""
    try:
        catalogue = load_catalogue(content_dir)
    except ContentError as exc:
        return list(exc.problems)
    problems = list(catalogue.problems)
    for lang in catalogue.site.languages:
        try:
            messages = load_messages(locales_dirs(catalogue), lang)
        except ContentError as exc:
            problems.extend(exc.problems)
            continue
        problems.extend(catalogue_gaps(messages, [TEMPLATES_DIR]))
    problems.extend(sync_problems(catalogue))
    for topic in catalogue.topics.values():
        for translation in topic.translations.values():
            problems.extend(topic_context(catalogue, translation)[1])
    return problems
