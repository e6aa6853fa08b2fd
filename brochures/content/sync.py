"""Translation sync: find translations that are missing, stale or orphaned, and mark them current.

Clinical content changes and translations fall behind. Each topic has a source language
(site.yaml `source_language`, default en; a topic written first in another language says
`source_language: fr` in its front matter). A translation records in `translation_of` the
fingerprint of the source version it translates; `build.py mark-translated TOPIC LANG`
writes it after a person has reviewed the translation. The fingerprint covers what a
translator translates (title, subtitle, summary, body), not dates, sources or links.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from brochures.content.catalogue import Catalogue, Topic, load_catalogue
from brochures.content.frontmatter import Translation, load_translation
from brochures.files import FileRefused, read_inside, write_atomic
from brochures.problems import ContentError, Problem, Severity, did_you_mean

FINGERPRINT_LENGTH = 10
KEY_LINE_RE = re.compile(r"^translation_of\s*:")


def fingerprint(source: Translation) -> str:
    """A short hash of the source's prose, insensitive to line endings and trailing spaces."""
    parts = [source.title, source.subtitle or "", source.summary or "", source.body]
    text = "\n".join(line.rstrip() for part in parts for line in part.splitlines()).strip()
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:FINGERPRINT_LENGTH]


def source_language(topic: Topic, default: str, problems: list[Problem] | None = None) -> str:
    """The topic's own `source_language` when its files give one (they must agree), else `default`."""
    declared = {t.lang: t.source_language for t in topic.translations.values() if t.source_language}
    values = sorted(set(declared.values()))
    if len(values) > 1 and problems is not None:
        problems.append(Problem(topic.folder, "front matter: the files of this topic disagree on "
                                f"'source_language' ({', '.join(f'{k}.md: {v}' for k, v in sorted(declared.items()))}); "
                                "give it in one file only"))
    return values[0] if len(values) == 1 else default


def sync_problems(catalogue: Catalogue, severity: Severity = "error", missing: bool = True,
                  only: set[Path] | None = None) -> list[Problem]:
    """One problem per translation out of sync; `only` limits them to these files."""
    problems: list[Problem] = []
    for topic in catalogue.topics.values():
        src_lang = source_language(topic, catalogue.site.source_language, problems)
        source = _source(topic, src_lang)
        for lang in catalogue.site.languages:
            if lang == src_lang:
                continue
            path = topic.folder / f"{lang}.md"
            translation = topic.translations.get(lang)
            if only is not None and path not in only:
                continue
            if translation is None:
                if missing and source is not None and not path.exists():
                    problems.append(Problem(path, f"missing translation: topic '{topic.id}' has no {lang}.md "
                                                  f"(its source is {src_lang}.md)", severity=severity))
                continue
            problem = _status(topic, translation, src_lang, source)
            if problem:
                problems.append(Problem(path, problem, translation.translation_of_line or 1, severity))
    return problems


def _source(topic: Topic, src_lang: str) -> Translation | None:
    """The source translation, read even when its language is not built by this site."""
    if src_lang in topic.translations:
        return topic.translations[src_lang]
    path = topic.folder / f"{src_lang}.md"
    if not path.is_file():
        return None
    try:
        return load_translation(path, topic.id, src_lang)
    except ContentError:
        return None  # reported where the catalogue is loaded, or by building that language


def _status(topic: Topic, translation: Translation, src_lang: str, source: Translation | None) -> str | None:
    mark = f"python build.py mark-translated {topic.id} {translation.lang}"
    if source is None:
        if (topic.folder / f"{src_lang}.md").exists():
            return None  # the source has errors of its own, reported with it
        return (f"orphan translation: its source {src_lang}.md does not exist; restore it, or set "
                f"'source_language: {translation.lang}' if this file is now the source")
    if translation.translation_of is None:
        return (f"translation not marked: compare it with {src_lang}.md, then run '{mark}'")
    if translation.translation_of != fingerprint(source):
        return (f"stale translation: {src_lang}.md changed since this translation was marked; "
                f"update it, then run '{mark}'")
    return None


def mark_translated(content_dir: Path, topic_id: str, lang: str) -> tuple[Path, str]:
    """Record in `<topic>/<lang>.md` that it translates the current source; return (path, fingerprint).

    Only the `translation_of` line changes (or is added before the closing `---`); every
    other byte of the file stays as the author wrote it.
    """
    catalogue = load_catalogue(content_dir)
    topic = catalogue.topics.get(topic_id)
    if topic is None:
        raise ContentError(Problem(None, f"unknown topic '{topic_id}' ({did_you_mean(topic_id, catalogue.topics)})"))
    path = topic.folder / f"{lang}.md"
    # A wrong fingerprint is what this command repairs; any other error must be fixed first.
    errors = [p for p in catalogue.problems
              if p.path == path and p.severity == "error" and "'translation_of'" not in p.message]
    if errors:
        raise ContentError(*errors)
    if lang not in catalogue.site.languages or not path.is_file():
        raise ContentError(Problem(path, f"no '{lang}' translation to mark (site languages: "
                                         f"{', '.join(catalogue.site.languages)})"))
    src_lang = source_language(topic, catalogue.site.source_language)
    if lang == src_lang:
        raise ContentError(Problem(path, f"{lang}.md is the source of topic '{topic_id}'; "
                                         "mark its translations instead"))
    source = _source(topic, src_lang)
    if source is None:
        raise ContentError(Problem(topic.folder / f"{src_lang}.md", "the source of this translation is missing "
                                                                     "or has errors; nothing to mark it against"))
    value = fingerprint(source)
    try:
        data = read_inside(path, [content_dir], catalogue.site.limits.markdown_bytes)
    except FileRefused as exc:
        raise ContentError(Problem(path, exc.reason)) from None
    write_atomic(path, _with_key(data, value))
    return path, value


def _with_key(data: bytes, value: str) -> bytes:
    """The file with its `translation_of` line set to `value`, in the file's own line endings."""
    lines = data.decode("utf-8").splitlines(keepends=True)
    newline = lines[0][len(lines[0].rstrip("\r\n")):] or "\n"
    close = next(i for i, line in enumerate(lines) if i > 0 and line.strip() in ("---", "..."))
    for index in range(1, close):
        if KEY_LINE_RE.match(lines[index]):
            ending = lines[index][len(lines[index].rstrip("\r\n")):]
            lines[index] = f'translation_of: "{value}"{ending}'
            break
    else:
        lines.insert(close, f'translation_of: "{value}"{newline}')
    return "".join(lines).encode("utf-8")
