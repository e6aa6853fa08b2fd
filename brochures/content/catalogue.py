"""Gather the whole catalogue (site settings and every topic) before anything renders.

Related topics, selections and bundles need every title first, and a user fixes all problems
in one pass when all of them are reported together.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from brochures.content.frontmatter import Translation, load_translation
from brochures.content.schema import LANG_RE, TOPIC_ID_RE
from brochures.content.settings import Site, load_site
from brochures.problems import ContentError, Problem, did_you_mean


@dataclass(frozen=True)
class Topic:
    id: str
    folder: Path
    translations: dict[str, Translation]


@dataclass(frozen=True)
class Catalogue:
    content_dir: Path
    site: Site
    topics: dict[str, Topic]
    problems: tuple[Problem, ...] = field(default=())


def load_catalogue(content_dir: Path) -> Catalogue:
    """Read every topic; a broken file is reported and left out, the rest still load."""
    if not content_dir.is_dir():
        raise ContentError(Problem(content_dir, "content folder not found; pass --content DIR"))
    problems: list[Problem] = []
    try:
        site = load_site(content_dir)
    except ContentError as exc:
        problems.extend(exc.problems)
        site = Site()
    content_real = content_dir.resolve()

    topics: dict[str, Topic] = {}
    for folder in sorted(p for p in content_dir.iterdir() if p.is_dir()):
        if folder.name.startswith((".", "_")) or not any(folder.glob("*.md")):
            continue
        if not folder.resolve().is_relative_to(content_real):
            problems.append(Problem(folder, "refused: this topic folder leads outside the content folder "
                                            "(a symbolic link?); put the topic itself in the content folder"))
            continue
        if not TOPIC_ID_RE.match(folder.name):
            problems.append(
                Problem(folder, "topic folder names use lowercase letters, digits and hyphens "
                                "(e.g. 'radiation-therapy'); rename it")
            )
            continue
        translations = _load_topic(folder, site, problems)
        topics[folder.name] = Topic(folder.name, folder, translations)

    for topic in topics.values():
        for translation in topic.translations.values():
            problems.extend(_check_related(translation, topics))
    return Catalogue(content_dir, site, topics, tuple(problems))


def _load_topic(folder: Path, site: Site, problems: list[Problem]) -> dict[str, Translation]:
    translations: dict[str, Translation] = {}
    for src_path in sorted(folder.glob("*.md")):
        lang = src_path.stem
        if not LANG_RE.match(lang):
            problems.append(Problem(src_path, "ignored: name topic files after their language, "
                                              "e.g. en.md or fr.md", severity="warning"))
            continue
        if lang not in site.languages:
            problems.append(Problem(src_path, f"not built: '{lang}' is not among the site languages "
                                              f"({', '.join(site.languages)}) in site.yaml",
                                    severity="warning"))
            continue
        try:
            translations[lang] = load_translation(src_path, folder.name, lang, site.limits)
        except ContentError as exc:
            problems.extend(exc.problems)
    return translations


def _check_related(translation: Translation, topics: dict[str, Topic]) -> list[Problem]:
    problems = []
    for topic_id in translation.related:
        if topic_id not in topics:
            problems.append(Problem(
                translation.src_path,
                f"front matter: related topic '{topic_id}' does not exist ({did_you_mean(topic_id, topics)})",
                translation.related_line,
            ))
    return problems
