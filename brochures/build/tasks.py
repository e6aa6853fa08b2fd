"""Render one planned document: Markdown → safe HTML → page → PDF (→ booklet) → file.

Runs in the main process or in a worker; each process keeps its own Jinja2 environments and
message catalogues, so a document renders the same wherever it runs.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

import tinyhtml5

from brochures import STYLES_DIR, TEMPLATES_DIR
from brochures.build.plan import Job, Options
from brochures.content.catalogue import Catalogue
from brochures.content.settings import format_size, text_for
from brochures.files import write_atomic
from brochures.html.fonts import (
    font_face_css,
    font_problem,
    generated_text,
    missing_characters,
    stylesheet_font_problems,
)
from brochures.html.messages import Messages, load_messages
from brochures.html.page import (
    PageContext,
    PageRenderer,
    Phone,
    TopicContext,
    brand_css,
)
from brochures.html.sanitize import tel_href
from brochures.html.topic import locales_dirs, topic_context, typeset_optional
from brochures.html.typography import typeset
from brochures.pdf.imposition import impose_booklet
from brochures.pdf.print_only import print_only
from brochures.pdf.printshop import add_slug_and_marks
from brochures.pdf.render import MIN_PPI, render_pdf
from brochures.pdf.variants import CMYK_PROFILE, Variant
from brochures.problems import ContentError, Problem, has_errors

BASE_STYLESHEET = "brochure.css"
NOTDEF_WARNING = ".notdef glyph rendered"
IMAGE_WARNING = "Failed to load image"


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


def prepare(task: Task) -> None:
    """Fill this process's caches that are plain Python data (fonts' character sets, the symbol
    font, Jinja2 environments, layout text), so that worker processes forked afterwards start
    warm. Layout-engine state (font configuration, parsed stylesheets) is made in each worker."""
    missing_characters("")
    font_face_css()
    content_dir = task.catalogue.content_dir
    _renderers.setdefault(content_dir, PageRenderer([content_dir / "templates", TEMPLATES_DIR]))
    try:
        key = (content_dir, task.job.lang)
        if key not in _messages:
            _messages[key] = load_messages(locales_dirs(task.catalogue), task.job.lang, task.catalogue.site.typography)
    except ContentError:
        pass  # reported when the task runs


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
        topic, found = topic_context(catalogue, translation, options.strict, messages.gettext)
        topics.append(topic)
        job_problems.extend(found)
    problems.extend(job_problems)
    if has_errors(job_problems):
        return []
    out_base = options.out_dir / job.lang / job.name
    outputs = []
    flat = render_document(catalogue, job, tuple(topics), variant, renderer, messages, problems, options.strict)
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
        half_variant = replace(variant, booklet_pages=True)
        half = render_document(catalogue, job, tuple(topics), half_variant, renderer, messages, problems,
                               options.strict)
        if half is None:
            return outputs
        data, pages, html = half
        padding = -pages % 4
        if padding:  # ruled notes pages before the back cover, rather than blank sheets
            half = render_document(catalogue, job, tuple(topics), half_variant, renderer, messages, [],
                                   options.strict, notes_pages=padding)
            if half is None:
                return outputs
            data, pages, html = half
        imposed = print_only(impose_booklet(data, variant.sheet), data)  # not tagged: see print_only.py
        outputs.append(_write(out_base.with_name(out_base.name + f"{variant.suffix}.booklet.pdf"), imposed,
                              -(-pages // 4) * 2, None, options))
    return outputs


def _write(path: Path, data: bytes, pages: int, html: str | None, options: Options) -> Output:
    """Write one output; a full, read-only or missing output folder is a problem, not a crash."""
    try:
        write_atomic(path, data)
        if options.write_html and html is not None:
            write_atomic(print_html_path(path), html.encode("utf-8"))
    except OSError as exc:
        raise ContentError(Problem(path, f"cannot write the file: {exc.strerror or exc}; "
                                         "check that the output folder is writable and has space")) from None
    return Output(path, pages, len(data))


def print_html_path(pdf: Path) -> Path:
    """Where `--html` keeps a PDF's print HTML: never a name the web edition uses."""
    return pdf.with_suffix(".print.html")


def render_document(catalogue: Catalogue, job: Job, topics: tuple[TopicContext, ...], variant: Variant,
                    renderer: PageRenderer, messages: Messages, problems: list[Problem],
                    strict: bool = False, notes_pages: int = 0) -> tuple[bytes, int, str] | None:
    """Page → PDF bytes, page count and the HTML; None when the layout text has errors, or
    (when `strict`) a character of the page or its stylesheets is in no shipped font.

    `notes_pages` ruled pages go before the back page (a booklet's padding to a multiple of 4).
    """
    site = catalogue.site
    context = PageContext(
        lang=job.lang,
        title=typeset(job.title, job.lang, site.typography),
        summary=typeset_optional(job.summary, job.lang, site.typography),
        topics=topics,
        organisation=typeset_optional(site.organisation_for(job.lang), job.lang, site.typography),
        phone=Phone(site.phone, tel_href(site.phone)) if site.phone else None,
        website=site.website,
        paper=variant.paper,
        body_classes=variant.body_classes + " hyphenate-long-words" * (site.hyphenation == "long-words"
                                                                        and not variant.large_print),
        brand_css=brand_css(site.branding),
        has_logo=site.branding.logo is not None,
        address=text_for(site.address, job.lang),
        email=site.email,
        hours=text_for(site.hours, job.lang),
        online_url=site.online_url_for(job.lang, topics[0].topic_id) if len(topics) == 1 else None,
        draft=any(topic.draft for topic in topics),
        notes_pages=notes_pages,
    )
    html = renderer.render(job.template, context, messages)
    message_problems = messages.problems()
    problems.extend(message_problems)
    if message_problems:
        return None
    if variant.print_marks and not CMYK_PROFILE.is_file():
        problems.append(Problem(None, f"print-shop files need the CMYK printer profile {CMYK_PROFILE}: install "
                                      "the Debian package libgs-common (`make` does)"))
        return None
    stylesheets = stylesheet_paths(catalogue.content_dir, [BASE_STYLESHEET, *variant.stylesheets()])
    font_problems = _font_problems(job, topics, html, stylesheets, strict)
    problems.extend(font_problems)
    reported = {p.message.split("'")[1] for p in font_problems + problems if p.message.startswith("character '")}
    if has_errors(font_problems):
        return None
    rendered = render_pdf(html, job.src_path.parent, stylesheets, variant.page_css(),
                          [catalogue.content_dir, TEMPLATES_DIR, STYLES_DIR, *variant.readable_roots()],
                          variant.pdf_variant)
    for image, ppi in rendered.low_resolution:
        problems.append(Problem(Path(image), f"image '{Path(image).name}' prints at {ppi} ppi at its placed size "
                                             f"in {job.lang}/{job.name}.pdf, below {MIN_PPI} ppi, and will look "
                                             "soft: use a larger image or show it smaller", severity="warning"))
    data = add_slug_and_marks(rendered.data) if variant.print_marks else rendered.data
    for url in rendered.refused_urls:
        problems.append(Problem(job.src_path, f"refused to read '{url[:80]}': only files of the project "
                                              "may be used", severity="warning"))
    for message in rendered.warnings:
        if any(url in message for url in rendered.refused_urls) or (
                message.startswith(NOTDEF_WARNING) and any(char in message for char in reported)):
            continue  # reported already: just above, or by the font check with its file
        if message.startswith(IMAGE_WARNING):  # a missing image is an error, never a silent gap
            problems.append(Problem(job.src_path, f"an image could not be drawn: {message}"))
        else:
            problems.append(Problem(job.src_path, f"layout: {message}", severity="warning"))
    if has_errors(problems):
        return None
    return data, rendered.pages, html


def _font_problems(job: Job, topics: tuple[TopicContext, ...], html: str, stylesheets: list[Path],
                   strict: bool) -> list[Problem]:
    """Characters no shipped font has, that the layout prints: in the templates' and layout
    text, and generated by the stylesheets (list markers, `content:`); the topics' own text
    was checked with its file already."""
    severity = "error" if strict else "warning"
    reported = set(missing_characters(" ".join(
        f"{t.title} {t.subtitle or ''} {t.summary or ''} {t.body_html} {' '.join(s.title for s in t.sources)}"
        for t in topics)))
    document = tinyhtml5.parse(html, namespace_html_elements=False)
    styles = "".join("".join(el.itertext()) for el in document.iter("style"))
    page_text = "".join(text for el in document.iter() if el.tag not in ("style", "script")
                        for text in (el.text, el.tail) if text)
    problems = [Problem(job.src_path, font_problem(char, "in the page layout (a template or layout text) "),
                        severity=severity)
                for char in missing_characters(page_text + generated_text(styles)) if char not in reported]
    return problems + stylesheet_font_problems(stylesheets, severity)


def stylesheet_paths(content_dir: Path, names: list[str]) -> list[Path]:
    """Each stylesheet from `<content>/styles/` when the clinic has its own, else the project's."""
    return [next((d / name for d in (content_dir / "styles", STYLES_DIR) if os.path.lexists(d / name)),
                 STYLES_DIR / name) for name in names]
