"""One topic's text, ready for a page: Markdown to safe, typeset HTML, plus what prints around it."""

from __future__ import annotations

import os
import threading
import xml.etree.ElementTree as ET
from collections import OrderedDict
from pathlib import Path
from typing import Callable

from brochures.content.catalogue import Catalogue
from brochures.content.frontmatter import Source, Translation
from brochures.content.limits import Limits
from brochures.content.review import next_review
from brochures.html.callouts import mark_urgent_callouts
from brochures.html.checklists import mark_task_items
from brochures.html.fonts import font_problem, missing_characters
from brochures.html.markdown_cost import TooCostly, check_nesting
from brochures.html.markdown_html import Converted, markdown_to_html
from brochures.html.page import RelatedTopic, TopicContext
from brochures.html.pagination import mark_pagination
from brochures.html.phones import tel_href
from brochures.html.sanitize import sanitize
from brochures.html.terms import mark_terms
from brochures.html.typography import typeset, typeset_tree
from brochures.problems import Problem
from brochures.resources import LOCALES_DIR


def topic_context(catalogue: Catalogue, translation: Translation,
                  strict: bool = False, gettext: Callable[[str], str] | None = None,
                  uri: Callable[[Path], str] = Path.as_uri, layout: bool = True,
                  web: bool = False) -> tuple[TopicContext, list[Problem]]:
    """Markdown to safe HTML, plus everything printed around it; problems found on the way.

    A character no shipped font has is a warning, an error when `strict`. `gettext` translates
    the layout text added to the body (the call line of urgent callouts); without it (`check`),
    that line is left out. `uri` gives an image's URL in the page (pdf/urls.py). Without `layout`
    (`check`), what only guides line and page breaks (unbreakable terms, pagination hints) is
    not marked: it finds no problem, and costs a fifth of the time. `web`: for a web page, whose
    footnotes show after the block that calls them (html/footnotes.py).
    """
    src, lang, site = translation.src_path, translation.lang, catalogue.site
    phone = (site.phone, tel_href(site.phone)) if site.phone else None
    urgent = 0

    def printed(text: str) -> str:
        return typeset(text, lang, site.typography)

    def finish(root: ET.Element) -> None:
        nonlocal urgent
        if layout:
            mark_pagination(root, web)
        urgent = mark_urgent_callouts(root, phone, gettext)
        typeset_tree(root, lang, site.typography)
        if layout:
            mark_terms(root, site.no_hyphenation)
        mark_task_items(root, translation.topic_id)

    html, deep = _converted(translation, site.limits, strict)
    clean = sanitize(html, src, translation.body, translation.body_line,
                     id_prefix=f"{translation.topic_id}--", finish=finish, limits=site.limits, uri=uri)
    problems = deep + list(clean.problems)
    if urgent and phone is None:
        problems.append(Problem(src, "urgent callouts print without a phone number: site.yaml has no 'phone'",
                                severity="warning"))
    topic = TopicContext(
        topic_id=translation.topic_id,
        title=printed(translation.title),
        subtitle=typeset_optional(translation.subtitle, lang, site.typography),
        summary=typeset_optional(translation.summary, lang, site.typography),
        reviewed=translation.reviewed,
        body_html=clean.markup,
        sources=tuple(Source(typeset(s.title, s.lang or lang, site.typography), s.url, s.lang)
                      for s in translation.sources),
        related=tuple(RelatedTopic(r.topic_id, printed(r.title)) for r in _related(catalogue, translation, problems)),
        next_review=(next_review(translation.reviewed, catalogue.site.review_months)
                     if translation.reviewed else None),
        draft=translation.status != "approved",
    )
    printed_text = " ".join(filter(None, [topic.title, topic.subtitle, topic.summary,
                                          *(s.title for s in topic.sources), clean.text]))
    for char in missing_characters(printed_text):
        problems.append(Problem(src, font_problem(char, ""), _line_of(translation, char),
                                severity="error" if strict else "warning"))
    return topic, problems


def _converted(translation: Translation, limits: Limits, strict: bool) -> tuple[str, list[Problem]]:
    """The body as HTML, and what the writer must know about it: link definitions that print
    nothing, or Markdown too costly or too deeply nested to read (then no HTML)."""
    src, body = translation.src_path, translation.body
    try:
        check_nesting(body, limits.nesting)
        converted = _markdown(body)
    except TooCostly as exc:
        hint = f" ({limits.hint('nesting')})" if "nested" in exc.message else ""
        return "", [Problem(src, exc.message + hint, _line_of(translation, exc.needle))]
    except RecursionError:
        return "", [Problem(src, "emphasis or links are nested too deeply to be read; remove some of the "
                                 "'*', '_' or '[' inside each other", translation.body_line)]
    problems = [Problem(src, f"'{d.text}' reads as a link definition and does not print; write "
                             f"'\\[{d.label}]:' to print it", _line_of(translation, d.first_line),
                        "error" if strict else "warning")
                for d in converted.definitions if not d.used]
    return converted.html, problems


# A topic's web page is made after its brochure, mostly by the same render worker, and a bundle
# prints topics that have their own brochure: each process remembers its last conversions, by body,
# so that those convert the Markdown once. Bounded in count and size (a worker's memory budget).
_REMEMBERED = 48
_REMEMBERED_CHARS = 200_000  # longer bodies are converted each time
_remembered: OrderedDict[str, Converted] = OrderedDict()
_remembered_lock = threading.Lock()  # a cluster worker renders in threads


def _fresh_lock() -> None:
    """A forked process gets its own lock: another thread of its parent may have held this one."""
    global _remembered_lock
    _remembered_lock = threading.Lock()


os.register_at_fork(after_in_child=_fresh_lock)


def _markdown(body: str) -> Converted:
    """`markdown_to_html(body)`, from this process's last conversions when it has it (a pure function
    of the body: the same HTML and link definitions)."""
    with _remembered_lock:
        converted = _remembered.get(body)
        if converted is not None:
            _remembered.move_to_end(body)
            return converted
    converted = markdown_to_html(body)
    if len(body) <= _REMEMBERED_CHARS:
        with _remembered_lock:
            _remembered[body] = converted
            while len(_remembered) > _REMEMBERED:
                _remembered.popitem(last=False)
    return converted


def _line_of(translation: Translation, needle: str) -> int | None:
    """The file line of the first body line holding `needle`."""
    for offset, line in enumerate(translation.body.split("\n")):
        if needle in line or needle in line.expandtabs(4):
            return translation.body_line + offset
    return None


def locales_dirs(catalogue: Catalogue) -> list[Path]:
    """Where layout-text catalogues are looked up: the content's own first, then the project's."""
    return [catalogue.content_dir / "locales", LOCALES_DIR]


def _related(catalogue: Catalogue, translation: Translation, problems: list[Problem]) -> tuple[RelatedTopic, ...]:
    related = []
    for topic_id in translation.related:
        topic = catalogue.topics.get(topic_id)
        if topic is None:
            continue  # already reported while loading
        other = topic.translations.get(translation.lang)
        if other is None:
            problems.append(Problem(translation.src_path, f"related topic '{topic_id}' has no "
                                    f"'{translation.lang}' version; it is left out", translation.related_line,
                                    "warning"))
            continue
        related.append(RelatedTopic(topic_id, other.title))
    return tuple(related)


def typeset_optional(text: str | None, lang: str, convention: str) -> str | None:
    return typeset(text, lang, convention) if text else None
