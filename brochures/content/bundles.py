"""Load `<content>/bundles.yaml`: named sets of topics printed as one PDF (a patient's kit).

Checked against the whole catalogue, so a wrong topic id or a missing translation is found
before anything renders, with the bundle, the topic and the known alternatives named.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from brochures.content.catalogue import Catalogue
from brochures.content.schema import TOPIC_ID_RE, Mapping, parse_mapping, read_text
from brochures.content.settings import SETTINGS_BYTES
from brochures.problems import ContentError, Problem, did_you_mean

BUNDLE_KEYS = ("title", "topics")
WHAT = "bundles"


@dataclass(frozen=True)
class Bundles:
    """The valid bundles, every id declared (broken ones included), and the problems found."""

    valid: tuple[Bundle, ...] = ()
    declared: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class Bundle:
    id: str
    titles: dict[str, str]  # lang → title
    topics: tuple[str, ...]
    src_path: Path
    line: int


def load_bundles(catalogue: Catalogue) -> Bundles:
    """Every valid bundle, and one problem per mistake; a broken bundle is left out."""
    path = catalogue.content_dir / "bundles.yaml"
    if not os.path.lexists(path):
        return Bundles()
    try:
        mapping = parse_mapping(read_text(path, catalogue.content_dir, SETTINGS_BYTES), path, 1, WHAT,
                                catalogue.site.limits.value_chars)
    except ContentError as exc:
        return Bundles(problems=exc.problems)
    bundles, problems = [], list(mapping.problems)
    for bundle_id, value in mapping.data.items():
        found = _bundle(mapping, bundle_id, value, catalogue)
        if isinstance(found, Bundle):
            bundles.append(found)
        else:
            problems.extend(found)
    return Bundles(tuple(bundles), tuple(mapping.data), tuple(problems))


def _bundle(mapping: Mapping, bundle_id: str, value: Any, catalogue: Catalogue) -> Bundle | list[Problem]:
    line = mapping.line_of(bundle_id)
    where = f"{WHAT}: bundle '{bundle_id}'"
    problems = []

    def fail(message: str) -> None:
        problems.append(Problem(mapping.path, f"{where}: {message}", line))

    if not TOPIC_ID_RE.match(bundle_id):
        fail("bundle ids use lowercase letters, digits and hyphens")
    if not isinstance(value, dict):
        fail("expected 'title:' and 'topics:' under it")
        return problems
    for key in value:
        if key not in BUNDLE_KEYS:
            fail(f"unknown key '{key}' ({did_you_mean(str(key), BUNDLE_KEYS)})")
    titles = _titles(value.get("title"), catalogue.site.languages, fail)
    topics = value.get("topics")
    if not isinstance(topics, list) or not topics:
        fail("'topics' must list at least one topic id")
        topics = []
    for topic_id in topics:
        if not isinstance(topic_id, str) or topic_id not in catalogue.topics:
            fail(f"unknown topic '{topic_id}' ({did_you_mean(str(topic_id), catalogue.topics)})")
    if len(set(map(str, topics))) != len(topics):
        fail("a topic is listed twice")
    if problems:
        return problems
    return Bundle(bundle_id, titles, tuple(topics), mapping.path, line)


def _titles(value: Any, languages: tuple[str, ...], fail) -> dict[str, str]:
    if isinstance(value, str) and value.strip():
        return {lang: value.strip() for lang in languages}
    if isinstance(value, dict):
        titles = {}
        for lang, title in value.items():
            if lang not in languages:
                fail(f"title for '{lang}', which is not a site language ({', '.join(languages)})")
            elif not isinstance(title, str) or not title.strip():
                fail(f"title for '{lang}' must be text")
            else:
                titles[lang] = title.strip()
        return titles
    fail("'title' is required: text, or one text per language ({en: ..., fr: ...})")
    return {}


def bundle_problems_for(bundle: Bundle, catalogue: Catalogue, lang: str) -> list[Problem]:
    """Why this bundle cannot be built in `lang`: never fall back to another language."""
    problems = []
    if lang not in bundle.titles:
        problems.append(Problem(bundle.src_path, f"{WHAT}: bundle '{bundle.id}' has no '{lang}' title; "
                                f"add it under title:", bundle.line))
    for topic_id in bundle.topics:
        topic = catalogue.topics[topic_id]
        if lang not in topic.translations:
            have = ", ".join(sorted(topic.translations)) or "none"
            problems.append(Problem(bundle.src_path, f"{WHAT}: bundle '{bundle.id}' needs topic '{topic_id}' in "
                                    f"'{lang}', which it lacks (it has: {have})", bundle.line))
    return problems
