"""Validate a whole catalogue without rendering: for a content team's own CI, in well under a second."""

from __future__ import annotations

from pathlib import Path

from .bundles import load_bundles
from .catalogue import load_catalogue
from .messages import load_messages
from .pipeline import LOCALES_DIR, topic_context
from .problems import ContentError, Problem


def check_catalogue(content_dir: Path) -> list[Problem]:
    """Every problem a build would report before layout: front matter, links, images, HTML, bundles."""
    try:
        catalogue = load_catalogue(content_dir)
    except ContentError as exc:
        return list(exc.problems)
    problems = list(catalogue.problems) + list(load_bundles(catalogue).problems)
    for lang in catalogue.site.languages:
        try:
            load_messages(LOCALES_DIR, lang)
        except ContentError as exc:
            problems.extend(exc.problems)
    for topic in catalogue.topics.values():
        for lang in catalogue.site.languages:
            translation = topic.translations.get(lang)
            if translation is None:
                if not (topic.folder / f"{lang}.md").exists():
                    problems.append(Problem(topic.folder / f"{lang}.md", f"missing translation: topic "
                                            f"'{topic.id}' has no {lang}.md", severity="warning"))
                continue
            problems.extend(topic_context(catalogue, translation)[1])
    return problems
