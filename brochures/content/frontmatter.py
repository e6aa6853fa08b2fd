"""Split a topic file into YAML front matter and Markdown body, and check the front matter."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path

from brochures.content.limits import DEFAULT_LIMITS, Limits
from brochures.content.schema import (
    LANG_RE,
    LANG_TAG_RE,
    TOPIC_ID_RE,
    Mapping,
    as_date,
    as_list,
    is_web_url,
    parse_mapping,
    read_text,
)
from brochures.content.status import DEFAULT_STATUS, read_status
from brochures.problems import ContentError, Problem

FRONT_MATTER_KEYS = ("title", "subtitle", "summary", "reviewed", "sources", "related",
                     "source_language", "translation_of", "status", "reviewed_by")
TRANSLATION_OF_RE = re.compile(r"^[0-9a-f]{10}$")
SOURCE_KEYS = ("title", "url", "lang")
WHAT = "front matter"


@dataclass(frozen=True)
class Source:
    title: str
    url: str | None = None
    lang: str | None = None  # the title's language, when not the brochure's


@dataclass(frozen=True)
class Translation:
    """One language version of a topic: its front matter and its Markdown body."""

    topic_id: str
    lang: str
    src_path: Path
    title: str
    subtitle: str | None
    summary: str | None
    reviewed: datetime.date | None
    sources: tuple[Source, ...]
    related: tuple[str, ...]
    related_line: int
    body: str
    body_line: int  # file line of the body's first line, to locate problems found in it
    source_language: str | None = None  # this topic's source language, when not the site's
    translation_of: str | None = None  # fingerprint of the source version this translates
    translation_of_line: int | None = None
    status: str = DEFAULT_STATUS  # draft or approved (status.py)
    reviewed_by: str | None = None
    reviewed_line: int = 1
    sources_line: int = 1


def load_translation(src_path: Path, topic_id: str, lang: str, limits: Limits = DEFAULT_LIMITS) -> Translation:
    """Read and check one `<topic>/<lang>.md`; every front-matter problem is reported at once.

    The file must lie inside the content folder (`<content>/<topic>/<lang>.md`), after symlinks.
    """
    text = read_text(src_path, src_path.parent.parent, limits.markdown_bytes, limits.hint("markdown_kb"))
    yaml_text, body, body_line = split_front_matter(text, src_path)
    mapping = parse_mapping(yaml_text, src_path, 2, WHAT, limits.value_chars)
    mapping.check_keys(FRONT_MATTER_KEYS, WHAT)
    translation = Translation(
        topic_id=topic_id,
        lang=lang,
        src_path=src_path,
        title=mapping.text("title", WHAT, required=True) or "",
        subtitle=mapping.text("subtitle", WHAT),
        summary=mapping.text("summary", WHAT),
        reviewed=as_date(mapping, "reviewed", WHAT),
        sources=_sources(mapping),
        related=_related(mapping),
        related_line=mapping.line_of("related"),
        body=body,
        body_line=body_line,
        source_language=_source_language(mapping),
        translation_of=_translation_of(mapping),
        translation_of_line=mapping.lines.get("translation_of"),
        status=read_status(mapping, WHAT),
        reviewed_by=mapping.text("reviewed_by", WHAT),
        reviewed_line=mapping.line_of("reviewed"),
        sources_line=mapping.line_of("sources"),
    )
    if mapping.problems:
        raise ContentError(*mapping.problems)
    return translation


def split_front_matter(text: str, path: Path) -> tuple[str, str, int]:
    """Return (YAML text, body, file line where the body starts)."""
    lines = text.split("\n")  # as an editor counts lines: splitlines() also splits at U+000B, U+000C...
    if not lines or lines[0].strip() != "---":
        raise ContentError(
            Problem(path, f"{WHAT}: missing; start the file with a '---' line, then 'title: ...', then '---'", 1)
        )
    for index, line in enumerate(lines[1:], start=1):
        if line.strip() in ("---", "..."):
            return "".join(line + "\n" for line in lines[1:index]), "\n".join(lines[index + 1 :]), index + 2
    raise ContentError(Problem(path, f"{WHAT}: not closed; add a '---' line after the last key", 1))


def _sources(mapping: Mapping) -> tuple[Source, ...]:
    sources = []
    for number, item in enumerate(as_list(mapping, "sources", WHAT), start=1):
        where = f"{WHAT}: source {number}"
        if isinstance(item, str):
            item = {"title": item}
        if not isinstance(item, dict):
            mapping.error("sources", f"{where} must have a 'title', and may have a 'url' and a 'lang'")
            continue
        unknown = sorted(set(map(str, item)) - set(SOURCE_KEYS))
        if unknown:
            mapping.error("sources", f"{where}: unknown key '{unknown[0]}' (known: title, url, lang)")
        title, url, lang = item.get("title"), item.get("url"), item.get("lang")
        if not isinstance(title, str) or not title.strip():
            mapping.error("sources", f"{where}: 'title' is required and must be text")
            continue
        if url is not None and (not isinstance(url, str) or not is_web_url(url.strip())):
            mapping.error("sources", f"{where}: 'url' must start with https:// or http://")
            continue
        if lang is not None and (not isinstance(lang, str) or not LANG_TAG_RE.match(lang.strip())):
            mapping.error("sources", f"{where}: 'lang' must be a language code such as fr, en or en-CA")
            continue
        sources.append(Source(title.strip(), url.strip() if url else None, lang.strip() if lang else None))
    return tuple(sources)


def _related(mapping: Mapping) -> tuple[str, ...]:
    related = []
    for item in as_list(mapping, "related", WHAT):
        if not isinstance(item, str) or not TOPIC_ID_RE.match(item):
            mapping.error("related", f"{WHAT}: related topic '{item}' is not a topic id (a folder name)")
        elif item not in related:
            related.append(item)
    return tuple(related)


def _source_language(mapping: Mapping) -> str | None:
    value = mapping.text("source_language", WHAT)
    if value is not None and not LANG_RE.match(value):
        mapping.error("source_language", f"{WHAT}: 'source_language' must be a language code such as en or fr")
        return None
    return value


def _translation_of(mapping: Mapping) -> str | None:
    value = mapping.text("translation_of", WHAT)
    if value is not None and not TRANSLATION_OF_RE.match(value):
        mapping.error("translation_of", f"{WHAT}: 'translation_of' must be the 10-character fingerprint "
                                        "written by 'build.py mark-translated', in quotes")
        return None
    return value
