"""Render one planned document: Markdown → safe HTML → page → PDF (→ booklet) → file.

Runs in the main process or in a worker; each process keeps its own Jinja2 environments and
message catalogues, so a document renders the same wherever it runs.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import LOCALES_DIR, STYLES_DIR, TEMPLATES_DIR
from .catalogue import Catalogue
from .fonts import missing_characters
from .frontmatter import Source, Translation
from .imposition import impose_booklet
from .markdown_html import markdown_to_html
from .messages import Messages, load_messages
from .page import PageContext, PageRenderer, Phone, RelatedTopic, TopicContext
from .pdf import render_pdf
from .plan import Job, Options
from .problems import ContentError, Problem, has_errors
from .review import next_review
from .sanitize import sanitize, tel_href
from .settings import format_size, text_for
from .terms import mark_terms
from .typography import typeset, typeset_tree
from .variants import Variant
from .write import write_atomic

BASE_STYLESHEET = "brochure.css"


@dataclass(frozen=True)
class Output:
    path: Path
    pages: int
    size: int  # bytes, for the build report and the mailing limit

    def describe(self) -> str:
        pages = f"{self.pages} page{'s' if self.pages != 1 else ''}"
        return f"{self.path} ({pages}, {format_size(self.size)})"


@dataclass
class JobResult:
    outputs: list[Output] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class Task:
    """Everything a worker needs to render one job (all of it can be pickled)."""

    catalogue: Catalogue
    job: Job
    variant: Variant
    options: Options


_renderers: dict[Path, PageRenderer] = {}
_messages: dict[tuple[Path, str], Messages] = {}


def run_task(task: Task) -> JobResult:
    """Render one job with this process's cached renderer and catalogue of layout text."""
    catalogue, job = task.catalogue, task.job
    result = JobResult()
    content_dir = catalogue.content_dir
    renderer = _renderers.setdefault(content_dir, PageRenderer([content_dir / "templates", TEMPLATES_DIR]))
    try:
        key = (content_dir, job.lang)
        if key not in _messages:
            _messages[key] = load_messages(locales_dirs(catalogue), job.lang, catalogue.site.typography)
        result.outputs = render_job(catalogue, job, task.variant, task.options, renderer, _messages[key],
                                    result.problems)
    except ContentError as exc:
        result.problems.extend(exc.problems)
    return result


def render_job(catalogue: Catalogue, job: Job, variant: Variant, options: Options, renderer: PageRenderer,
               messages: Messages, problems: list[Problem]) -> list[Output]:
    """Render one document, plus its imposed booklet when asked; nothing is written on error."""
    job_problems: list[Problem] = []
    topics = []
    for translation in job.translations:
        topic, found = topic_context(catalogue, translation)
        topics.append(topic)
        job_problems.extend(found)
    problems.extend(job_problems)
    if has_errors(job_problems):
        return []
    out_base = options.out_dir / job.lang / job.name
    outputs = []
    flat = render_document(catalogue, job, tuple(topics), variant, renderer, messages, problems)
    if flat is None:
        return []
    data, pages, html = flat
    outputs.append(_write(out_base.with_name(out_base.name + f"{variant.suffix}.pdf"), data, pages, html, options))
    limit = catalogue.site.mail_limit
    if len(data) > limit:
        problems.append(Problem(job.src_path, f"{outputs[0].path.name} is {format_size(len(data))}, over the "
                                f"mailing limit of {format_size(limit)} (site.yaml 'mail_limit'); use smaller "
                                "images", severity="warning"))
    if options.layout == "booklet":
        half = render_document(catalogue, job, tuple(topics), replace(variant, booklet_pages=True), renderer,
                               messages, problems)
        if half is None:
            return outputs
        data, pages, html = half
        imposed = impose_booklet(data, variant.sheet)
        outputs.append(_write(out_base.with_name(out_base.name + f"{variant.suffix}.booklet.pdf"), imposed,
                              -(-pages // 4) * 2, None, options))
    return outputs


def _write(path: Path, data: bytes, pages: int, html: str | None, options: Options) -> Output:
    write_atomic(path, data)
    if options.write_html and html is not None:
        write_atomic(path.with_suffix(".html"), html.encode("utf-8"))
    return Output(path, pages, len(data))


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
        next_review=(next_review(translation.reviewed, catalogue.site.review_months)
                     if translation.reviewed else None),
        draft=translation.status != "approved",
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


def render_document(catalogue: Catalogue, job: Job, topics: tuple[TopicContext, ...], variant: Variant,
                    renderer: PageRenderer, messages: Messages,
                    problems: list[Problem]) -> tuple[bytes, int, str] | None:
    """Page → PDF bytes, page count and the HTML; None when the layout text has errors."""
    site = catalogue.site
    context = PageContext(
        lang=job.lang,
        title=typeset(job.title, job.lang, site.typography),
        summary=_typeset_optional(job.summary, job.lang, site.typography),
        topics=topics,
        organisation=_typeset_optional(site.organisation_for(job.lang), job.lang, site.typography),
        phone=Phone(site.phone, tel_href(site.phone)) if site.phone else None,
        website=site.website,
        paper=variant.paper,
        body_classes=variant.body_classes,
        brand_css=site.branding.css(),
        has_logo=site.branding.logo is not None,
        address=text_for(site.address, job.lang),
        email=site.email,
        hours=text_for(site.hours, job.lang),
        online_url=site.online_url_for(job.lang, topics[0].topic_id) if len(topics) == 1 else None,
        draft=any(topic.draft for topic in topics),
    )
    html = renderer.render(job.template, context, messages)
    message_problems = messages.problems()
    problems.extend(message_problems)
    if message_problems:
        return None
    stylesheets = stylesheet_paths(catalogue.content_dir, [BASE_STYLESHEET, *variant.stylesheets()])
    rendered = render_pdf(html, job.src_path.parent, stylesheets, variant.page_css(),
                          [catalogue.content_dir, TEMPLATES_DIR, STYLES_DIR])
    for url in rendered.refused_urls:
        problems.append(Problem(job.src_path, f"refused to read '{url[:80]}': only files of the project "
                                              "may be used", severity="warning"))
    for message in rendered.warnings:
        if not any(url in message for url in rendered.refused_urls):  # reported just above
            problems.append(Problem(job.src_path, f"layout: {message}", severity="warning"))
    return rendered.data, rendered.pages, html


def stylesheet_paths(content_dir: Path, names: list[str]) -> list[Path]:
    """Each stylesheet from `<content>/styles/` when the clinic has its own, else the project's."""
    return [next((d / name for d in (content_dir / "styles", STYLES_DIR) if (d / name).is_file()),
                 STYLES_DIR / name) for name in names]


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
