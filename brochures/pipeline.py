"""Run the whole build: load the catalogue, choose outputs, render each one, write it safely.

Data flows one way: catalogue → selection → Markdown → sanitised HTML → page → PDF → file.
A problem in one output never stops the others; a failed output leaves the previous file.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from . import PROJECT_ROOT
from .catalogue import Catalogue, load_catalogue
from .fonts import missing_characters
from .frontmatter import Source, Translation
from .markdown_html import markdown_to_html
from .messages import Messages, load_messages
from .page import PageContext, PageRenderer, Phone, RelatedTopic, TopicContext
from .pdf import render_pdf
from .problems import ContentError, Problem, did_you_mean, has_errors
from .sanitize import sanitize, tel_href
from .sync import sync_problems
from .terms import mark_terms
from .typography import typeset, typeset_tree
from .write import write_atomic

TEMPLATES_DIR = PROJECT_ROOT / "templates"
STYLES_DIR = PROJECT_ROOT / "styles"
LOCALES_DIR = PROJECT_ROOT / "locales"
STYLESHEETS = ("brochure.css",)


@dataclass(frozen=True)
class Options:
    content_dir: Path
    out_dir: Path
    topics: tuple[str, ...] = ()
    langs: tuple[str, ...] = ()
    paper: str | None = None  # None: the site's paper
    write_html: bool = False
    strict: bool = False  # stale or orphaned translations are errors, not warnings


@dataclass(frozen=True)
class Output:
    path: Path
    pages: int


@dataclass
class BuildResult:
    outputs: list[Output] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not has_errors(self.problems)


def build(options: Options) -> BuildResult:
    result = BuildResult()
    try:
        catalogue = load_catalogue(options.content_dir)
    except ContentError as exc:
        result.problems.extend(exc.problems)
        return result
    result.problems.extend(catalogue.problems)
    site_yaml = options.content_dir / "site.yaml"
    if any(p.path == site_yaml and p.severity == "error" for p in catalogue.problems):
        return result  # wrong settings would print a wrong phone number on every brochure

    selection = select(catalogue, options, result.problems)
    result.problems.extend(sync_problems(catalogue, "error" if options.strict else "warning", missing=False,
                                         only={t.src_path for t in selection}))
    failed_sources = {p.path for p in result.problems if p.severity == "error"}
    renderer = PageRenderer([TEMPLATES_DIR])
    messages: dict[str, Messages] = {}
    for translation in selection:
        if translation.src_path in failed_sources:
            continue
        try:
            if translation.lang not in messages:
                messages[translation.lang] = load_messages(locales_dirs(catalogue), translation.lang,
                                                           catalogue.site.typography)
            output, problems = build_one(catalogue, translation, options, renderer, messages[translation.lang])
        except ContentError as exc:
            result.problems.extend(exc.problems)
            continue
        result.problems.extend(problems)
        if output is not None:
            result.outputs.append(output)
    return result


def select(catalogue: Catalogue, options: Options, problems: list[Problem]) -> list[Translation]:
    """The translations to build, in a stable order; unknown names are reported."""
    site_langs = catalogue.site.languages
    for lang in options.langs:
        if lang not in site_langs:
            problems.append(Problem(None, f"unknown language '{lang}'; the site languages are "
                                          f"{', '.join(site_langs)} (site.yaml 'languages')"))
    for topic_id in options.topics:
        if topic_id not in catalogue.topics:
            problems.append(Problem(None, f"unknown topic '{topic_id}' "
                                          f"({did_you_mean(topic_id, catalogue.topics)})"))
    langs = [lang for lang in site_langs if not options.langs or lang in options.langs]
    topic_ids = [t for t in catalogue.topics if not options.topics or t in options.topics]
    chosen = []
    for topic_id in topic_ids:
        topic = catalogue.topics[topic_id]
        for lang in langs:
            if lang in topic.translations:
                chosen.append(topic.translations[lang])
            elif not (topic.folder / f"{lang}.md").exists():
                explicit = bool(options.topics and options.langs)
                problems.append(Problem(
                    topic.folder / f"{lang}.md",
                    f"missing translation: topic '{topic_id}' has no {lang}.md, so no '{lang}' brochure",
                    severity="error" if explicit else "warning",
                ))
    return chosen


def build_one(catalogue: Catalogue, translation: Translation, options: Options,
              renderer: PageRenderer, messages: Messages) -> tuple[Output | None, list[Problem]]:
    """Render one brochure; returns its output, or None with the reasons it failed."""
    topic, problems = topic_context(catalogue, translation)
    context = page_context(catalogue, options, translation.lang, (topic,), topic.title, topic.summary)
    out_path = options.out_dir / translation.lang / f"{translation.topic_id}.pdf"
    output = render_document(catalogue, "brochure.html.j2", context, out_path, translation.src_path,
                             options, renderer, messages, problems)
    return output, problems


def topic_context(catalogue: Catalogue, translation: Translation) -> tuple[TopicContext, list[Problem]]:
    """Markdown to safe HTML, plus everything printed around it; problems found on the way."""
    src, lang, site = translation.src_path, translation.lang, catalogue.site

    def printed(text: str) -> str:
        return typeset(text, lang, site.typography)

    def finish(root: ET.Element) -> None:
        typeset_tree(root, lang, site.typography)
        mark_terms(root, site.no_hyphenation)

    clean = sanitize(markdown_to_html(translation.body), src, translation.body, translation.body_line,
                     id_prefix=f"{translation.topic_id}--", finish=finish)
    problems = list(clean.problems)
    topic = TopicContext(
        topic_id=translation.topic_id,
        title=printed(translation.title),
        subtitle=_typeset_optional(translation.subtitle, lang, site.typography),
        summary=_typeset_optional(translation.summary, lang, site.typography),
        reviewed=translation.reviewed,
        body_html=clean.markup,
        sources=tuple(Source(printed(s.title), s.url) for s in translation.sources),
        related=tuple(RelatedTopic(r.topic_id, printed(r.title)) for r in _related(catalogue, translation, problems)),
    )
    printed_text = " ".join(filter(None, [topic.title, topic.subtitle, topic.summary,
                                          *(s.title for s in topic.sources), clean.text]))
    for char in missing_characters(printed_text):
        problems.append(Problem(src, f"character '{char}' (U+{ord(char):04X}) is not in the brochure font "
                                     "and would print in another font; replace it", severity="warning"))
    return topic, problems


def locales_dirs(catalogue: Catalogue) -> list[Path]:
    """Where layout-text catalogues are looked up: the content's own first, then the project's."""
    return [catalogue.content_dir / "locales", LOCALES_DIR]


def page_context(catalogue: Catalogue, options: Options, lang: str, topics: tuple[TopicContext, ...],
                 title: str, summary: str | None) -> PageContext:
    site = catalogue.site
    return PageContext(
        lang=lang,
        title=title,
        summary=summary,
        topics=topics,
        organisation=_typeset_optional(site.organisation_for(lang), lang, site.typography),
        phone=Phone(site.phone, tel_href(site.phone)) if site.phone else None,
        website=site.website,
        paper=options.paper or site.paper,
    )


def render_document(catalogue: Catalogue, template: str, context: PageContext, out_path: Path, src: Path,
                    options: Options, renderer: PageRenderer, messages: Messages,
                    problems: list[Problem]) -> Output | None:
    """Page → PDF → file, unless a problem so far is an error. `src` names the culprit in reports."""
    html = renderer.render(template, context, messages)
    problems.extend(messages.problems())
    if has_errors(problems):
        return None
    rendered = render_pdf(html, src.parent, [STYLES_DIR / name for name in STYLESHEETS], context.paper,
                          [catalogue.content_dir, TEMPLATES_DIR, STYLES_DIR])
    for url in rendered.refused_urls:
        problems.append(Problem(src, f"refused to read '{url[:80]}': only files of the project may be used",
                                severity="warning"))
    for message in rendered.warnings:
        if not any(url in message for url in rendered.refused_urls):  # reported just above
            problems.append(Problem(src, f"layout: {message}", severity="warning"))
    write_atomic(out_path, rendered.data)
    if options.write_html:
        write_atomic(out_path.with_suffix(".html"), html.encode("utf-8"))
    return Output(out_path, rendered.pages)


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


def _typeset_optional(text: str | None, lang: str, convention: str) -> str | None:
    return typeset(text, lang, convention) if text else None
