"""Render one planned document: Markdown → safe HTML → page → PDF (→ booklet) → file.

Runs in the main process, a local worker or a cluster worker; each process keeps its own Jinja2
environments and message catalogues, so a document renders the same wherever it runs.
WeasyPrint and pypdf are imported on the first render, never by a build with nothing to do.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from brochures.builders.plan import Job, Options
from brochures.builders.work import JobResult, Output, RenderedFile, Task
from brochures.content.settings import format_size, text_for
from brochures.files import write_atomic
from brochures.html.fonts import (
    characters_named,
    font_face_css,
    font_problem,
    generated_text,
    missing_characters,
    page_text,
    stylesheet_font_problems,
)
from brochures.html.messages import Messages, current_messages, forget_messages
from brochures.html.page import (
    PageContext,
    PageRenderer,
    Phone,
    TopicContext,
    brand_css,
)
from brochures.html.phones import tel_href
from brochures.html.topic import topic_context, typeset_optional
from brochures.html.typography import typeset
from brochures.pdf.urls import Roots
from brochures.pdf.variants import CMYK_PROFILE, Variant
from brochures.problems import ContentError, Problem, has_errors
from brochures.resources import STYLES_DIR

BASE_STYLESHEET = "brochure.css"
NOTDEF_WARNING = ".notdef glyph rendered"
IMAGE_WARNING = "Failed to load image"


_renderers: dict[tuple[Path, Path], PageRenderer] = {}


def warm_up() -> None:
    """Import the renderer (WeasyPrint) and fill the caches no document changes: the fonts'
    character sets, the symbol font."""
    from brochures.pdf import render  # noqa: F401  only when there is something to render

    missing_characters("")
    font_face_css()


def prepare(task: Task) -> None:
    """`warm_up`, and the caches for this task's folders and language (Jinja2 environments, layout
    text), so that worker processes forked afterwards start warm. Layout-engine state (font
    configuration, parsed stylesheets) is made in each worker."""
    warm_up()
    try:
        _cached(task)
    except ContentError:
        pass  # reported when the task runs


def _cached(task: Task) -> tuple[PageRenderer, Messages]:
    """This process's renderer and layout text for the task's folders and language.

    Workers outlive a build (`watch`, `serve`): the layout text is read again when its catalogue
    file or the site's typography changed (Jinja2 checks the templates itself).
    """
    catalogue, lang = task.catalogue, task.job.lang
    content_dir, project = catalogue.content_dir, task.project_root
    renderer = _renderers.get((content_dir, project))
    if renderer is None:
        renderer = _renderers[(content_dir, project)] = PageRenderer([content_dir / "templates",
                                                                      project / "templates"])
    return renderer, current_messages([content_dir / "locales", project / "locales"], lang, catalogue.site.typography)


def forget_cached() -> None:
    """Drop the cached renderers and layout text: their files are about to change (a cluster worker)."""
    _renderers.clear()
    forget_messages()


def run_task(task: Task) -> JobResult:
    """Render one job and write its files; in the main process or a local worker."""
    files, problems = render_task(task)
    try:
        outputs = [write_file(file, task.options) for file in files]
    except ContentError as exc:
        problems.extend(exc.problems)
        outputs = []
    return JobResult(outputs, problems)


def render_task(task: Task) -> tuple[list[RenderedFile], list[Problem]]:
    """Render one job with this process's cached renderer and layout text; nothing is written."""
    problems: list[Problem] = []
    try:
        renderer, messages = _cached(task)
        files = render_job(task, renderer, messages, problems)
    except ContentError as exc:
        problems.extend(exc.problems)
        files = []
    return files, problems


def render_job(task: Task, renderer: PageRenderer, messages: Messages, problems: list[Problem]) -> list[RenderedFile]:
    """Render one document, plus its imposed booklet when asked; nothing on error."""
    catalogue, job, variant, options = task.catalogue, task.job, task.variant, task.options
    job_problems: list[Problem] = []
    topics = []
    uri = Roots.of(catalogue.content_dir, task.project_root).uri
    for translation in job.translations:
        topic, found = topic_context(catalogue, translation, options.strict, messages.gettext, uri)
        topics.append(topic)
        job_problems.extend(found)
    problems.extend(job_problems)
    if has_errors(job_problems):
        return []
    out_base = options.out_dir / job.lang / job.name
    files = []
    flat = render_document(task, tuple(topics), variant, renderer, messages, problems)
    if flat is None:
        return []
    data, pages, html = flat
    files.append(RenderedFile(out_base.with_name(out_base.name + f"{variant.suffix}.pdf"), data, pages, html))
    limit = catalogue.site.mail_limit
    if len(data) > limit:
        problems.append(Problem(job.src_path, f"{files[0].path.name} is {format_size(len(data))}, over the "
                                f"mailing limit of {format_size(limit)} (site.yaml 'mail_limit'); use smaller "
                                "images", severity="warning"))
    if options.layout == "booklet":
        half_variant = replace(variant, booklet_pages=True)
        half = render_document(task, tuple(topics), half_variant, renderer, messages, problems)
        if half is None:
            return files
        data, pages, html = half
        padding = -pages % 4
        if padding:  # ruled notes pages before the back cover, rather than blank sheets
            half = render_document(task, tuple(topics), half_variant, renderer, messages, [], notes_pages=padding)
            if half is None:
                return files
            data, pages, html = half
        imposed = print_only(impose_booklet(data, variant.sheet), data)  # not tagged: see print_only.py
        files.append(RenderedFile(out_base.with_name(out_base.name + f"{variant.suffix}.booklet.pdf"), imposed,
                                  -(-pages // 4) * 2, None))
    return files


def impose_booklet(pdf: bytes, sheet: tuple[float, float]) -> bytes:
    """pdf/imposition.py's, imported on the first booklet: pypdf is not needed for anything else."""
    from brochures.pdf.imposition import impose_booklet as impose

    return impose(pdf, sheet)


def print_only(imposed: bytes, source: bytes) -> bytes:
    """pdf/print_only.py's, imported on the first booklet."""
    from brochures.pdf.print_only import print_only as mark

    return mark(imposed, source)


def write_file(file: RenderedFile, options: Options) -> Output:
    """Write one output atomically (and its HTML when asked); a full, read-only or missing output
    folder is a problem, not a crash."""
    try:
        write_atomic(file.path, file.data)
        if options.write_html and file.html is not None:
            write_atomic(print_html_path(file.path), file.html.encode("utf-8"))
    except OSError as exc:
        raise ContentError(Problem(file.path, f"cannot write the file: {exc.strerror or exc}; "
                                              "check that the output folder is writable and has space")) from None
    return Output(file.path, file.pages, len(file.data))


def print_html_path(pdf: Path) -> Path:
    """Where `--html` keeps a PDF's print HTML: never a name the web edition uses."""
    return pdf.with_suffix(".print.html")


def render_document(task: Task, topics: tuple[TopicContext, ...], variant: Variant, renderer: PageRenderer,
                    messages: Messages, problems: list[Problem],
                    notes_pages: int = 0) -> tuple[bytes, int, str] | None:
    """Page → PDF bytes, page count and the HTML; None when the layout text has errors, or
    (when `strict`) a character of the page or its stylesheets is in no shipped font.

    `notes_pages` ruled pages go before the back page (a booklet's padding to a multiple of 4).
    """
    from brochures.pdf.render import MIN_PPI, render_pdf  # WeasyPrint: only when rendering

    catalogue, job, strict = task.catalogue, task.job, task.options.strict
    site = catalogue.site
    roots = Roots.of(catalogue.content_dir, task.project_root)
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
        brand_css=brand_css(site.branding, roots.uri),
        has_logo=site.branding.logo is not None,
        address=text_for(site.address, job.lang),
        email=site.email,
        hours=text_for(site.hours, job.lang),
        online_url=site.online_url_for(job.lang, topics[0].topic_id) if len(topics) == 1 else None,
        draft=any(topic.draft for topic in topics),
        notes_pages=notes_pages,
        fillable=variant.fillable,
        letter=task.personal,
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
    stylesheets = stylesheet_paths(catalogue.content_dir, [BASE_STYLESHEET, *variant.stylesheets()],
                                   task.project_root / "styles")
    font_problems = _font_problems(job, topics, html, stylesheets, strict)
    problems.extend(font_problems)
    reported = {char for p in font_problems + problems for char in characters_named(p.message)}
    if has_errors(font_problems):
        return None
    rendered = render_pdf(html, job.src_path.parent, stylesheets, variant.page_css(),
                          roots.plus(variant.readable_roots()), variant.pdf_variant, not variant.booklet_pages)
    problems.extend(_overflow_problems(job, rendered.overflows, variant))
    for image, ppi in rendered.low_resolution:
        problems.append(Problem(Path(image), f"image '{Path(image).name}' prints at {ppi} ppi at its placed size "
                                             f"in {job.lang}/{job.name}.pdf, below {MIN_PPI} ppi, and will look "
                                             "soft: use a larger image or show it smaller", severity="warning"))
    data = rendered.data
    if variant.print_marks:
        from brochures.pdf.printshop import add_slug_and_marks  # pypdf: only for print-shop files

        data = add_slug_and_marks(data)
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


def _overflow_problems(job: Job, overflows: tuple[tuple[str, str, bool], ...], variant: Variant) -> list[Problem]:
    """What still runs off the page after fitting (`pdf/fit.py`), at the line of the topic that has it."""
    problems = []
    document = f"{job.lang}/{job.name}{variant.suffix}{'.booklet' * variant.booklet_pages}.pdf"
    for what, needle, broken in overflows:
        where = next(((t.src_path, t.body_line + offset) for t in job.translations
                      for offset, line in enumerate(t.body.split("\n")) if needle and needle in line),
                     (job.src_path, None))
        tried = "smaller type" + ("" if variant.booklet_pages else " and a landscape page")
        if broken:
            message = (f"{what} is too wide for the page even with {tried}: in {document} its words are broken "
                       "wherever they must to fit; split it into narrower tables, or shorten what its cells say")
        elif what.startswith("the table"):
            message = (f"{what} is too wide for the page even with {tried}: it runs off the page in {document}; "
                       "split it into narrower tables, or shorten what its cells say")
        else:
            message = f"{what} is too wide for the page and runs off it in {document}; make it smaller or shorter"
        problems.append(Problem(where[0], message, where[1], "warning"))
    return problems


def _font_problems(job: Job, topics: tuple[TopicContext, ...], html: str, stylesheets: list[Path],
                   strict: bool) -> list[Problem]:
    """Characters no shipped font has, that the layout prints: in the templates' and layout
    text, and generated by the stylesheets (list markers, `content:`); the topics' own text
    was checked with its file already."""
    severity = "error" if strict else "warning"
    reported = set(missing_characters(" ".join(
        f"{t.title} {t.subtitle or ''} {t.summary or ''} {t.body_html} {' '.join(s.title for s in t.sources)}"
        for t in topics)))
    text, styles = page_text(html)
    problems = [Problem(job.src_path, font_problem(char, "in the page layout (a template or layout text) "),
                        severity=severity)
                for char in missing_characters(text + generated_text(styles)) if char not in reported]
    return problems + stylesheet_font_problems(stylesheets, severity)


def stylesheet_paths(content_dir: Path, names: list[str], styles_dir: Path = STYLES_DIR) -> list[Path]:
    """Each stylesheet from `<content>/styles/` when the clinic has its own, else the project's."""
    return [next((d / name for d in (content_dir / "styles", styles_dir) if os.path.lexists(d / name)),
                 styles_dir / name) for name in names]
