"""Run the whole build: load the catalogue, plan the documents, render each one, write it safely.

Data flows one way: catalogue → jobs → Markdown → sanitised HTML → page → PDF → (imposition)
→ file. A problem in one document never stops the others; a failed one keeps its old file.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import PROJECT_ROOT
from .bundles import Bundles, bundle_problems_for, load_bundles
from .catalogue import Catalogue, load_catalogue
from .fonts import missing_characters
from .frontmatter import Translation
from .imposition import impose_booklet
from .markdown_html import markdown_to_html
from .messages import Messages, load_messages
from .page import PageContext, PageRenderer, Phone, RelatedTopic, TopicContext
from .pdf import render_pdf
from .problems import ContentError, Problem, did_you_mean, has_errors
from .review import build_date, next_review, overdue_problems
from .sanitize import sanitize, tel_href
from .settings import format_size, text_for
from .variants import Variant
from .write import write_atomic

TEMPLATES_DIR = PROJECT_ROOT / "templates"
STYLES_DIR = PROJECT_ROOT / "styles"
LOCALES_DIR = PROJECT_ROOT / "locales"
BASE_STYLESHEET = "brochure.css"
LAYOUTS = ("normal", "booklet")


@dataclass(frozen=True)
class Options:
    content_dir: Path
    out_dir: Path
    topics: tuple[str, ...] = ()
    bundles: tuple[str, ...] = ()
    langs: tuple[str, ...] = ()
    paper: str | None = None  # None: the site's paper
    layout: str = "normal"
    large_print: bool = False
    print_marks: bool = False
    write_html: bool = False
    strict: bool = False  # an overdue review is an error, not a warning
    today: datetime.date = field(default_factory=build_date)  # for the review age only, not the output


@dataclass(frozen=True)
class Job:
    """One document in one language: a topic, or a bundle of topics."""

    name: str  # path under <out>/<lang>/ without suffix: "immunotherapy", "bundles/kit"
    lang: str
    template: str
    translations: tuple[Translation, ...]
    title: str
    summary: str | None
    src_path: Path  # the file problems are reported against


@dataclass(frozen=True)
class Output:
    path: Path
    pages: int
    size: int  # bytes
    size: int = 0  # bytes, for the build report and the mailing limit


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

    bundles = load_bundles(catalogue)
    result.problems.extend(bundles.problems)
    jobs = plan(catalogue, bundles, options, result.problems)
    chosen = {t.src_path: t for job in jobs for t in job.translations}
    result.problems.extend(overdue_problems(chosen.values(), catalogue.site.review_months, options.today,
                                            options.strict))
    failed_sources = {p.path for p in result.problems if p.severity == "error"}
    renderer = PageRenderer([options.content_dir / "templates", TEMPLATES_DIR])
    messages: dict[str, Messages] = {}
    variant = Variant(paper=options.paper or catalogue.site.paper, large_print=options.large_print,
                      print_marks=options.print_marks)
    for job in jobs:
        broken = [t.src_path for t in job.translations if t.src_path in failed_sources]
        if broken:
            if job.template == "bundle.html.j2":
                result.problems.append(Problem(job.src_path, f"bundle '{job.name}' ({job.lang}) not built: "
                                               f"{broken[0].parent.name}/{broken[0].name} has errors"))
            continue
        try:
            if job.lang not in messages:
                messages[job.lang] = load_messages(LOCALES_DIR, job.lang)
            outputs = render_job(catalogue, job, variant, options, renderer, messages[job.lang], result.problems)
        except ContentError as exc:
            result.problems.extend(exc.problems)
            continue
        result.outputs.extend(outputs)
    return result


def plan(catalogue: Catalogue, bundles: Bundles, options: Options, problems: list[Problem]) -> list[Job]:
    """The documents to build, in a stable order; unknown names are reported.

    Nothing named: every topic and every bundle. Topics named: those; bundles named: those.
    """
    site_langs = catalogue.site.languages
    for lang in options.langs:
        if lang not in site_langs:
            problems.append(Problem(None, f"unknown language '{lang}'; the site languages are "
                                          f"{', '.join(site_langs)} (site.yaml 'languages')"))
    for topic_id in options.topics:
        if topic_id not in catalogue.topics:
            problems.append(Problem(None, f"unknown topic '{topic_id}' "
                                          f"({did_you_mean(topic_id, catalogue.topics)})"))
    for bundle_id in options.bundles:
        if bundle_id not in bundles.declared:
            problems.append(Problem(catalogue.content_dir / "bundles.yaml", f"unknown bundle '{bundle_id}' "
                                    f"({did_you_mean(bundle_id, bundles.declared)})"))
    langs = [lang for lang in site_langs if not options.langs or lang in options.langs]
    everything = not options.topics and not options.bundles
    topic_ids = [t for t in catalogue.topics if everything or t in options.topics]
    chosen_bundles = [b for b in bundles.valid if everything or b.id in options.bundles]

    jobs = []
    for topic_id in topic_ids:
        topic = catalogue.topics[topic_id]
        for lang in langs:
            translation = topic.translations.get(lang)
            if translation is not None:
                jobs.append(Job(topic_id, lang, "brochure.html.j2", (translation,), translation.title,
                                translation.summary, translation.src_path))
            elif not (topic.folder / f"{lang}.md").exists():
                explicit = bool(options.topics and options.langs)
                problems.append(Problem(
                    topic.folder / f"{lang}.md",
                    f"missing translation: topic '{topic_id}' has no {lang}.md, so no '{lang}' brochure",
                    severity="error" if explicit else "warning",
                ))
    for bundle in chosen_bundles:
        for lang in langs:
            missing = bundle_problems_for(bundle, catalogue, lang)
            if missing:
                problems.extend(missing)
                continue
            translations = tuple(catalogue.topics[t].translations[lang] for t in bundle.topics)
            jobs.append(Job(f"bundles/{bundle.id}", lang, "bundle.html.j2", translations, bundle.titles[lang],
                            " · ".join(t.title for t in translations), bundle.src_path))
    return jobs


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
    src = translation.src_path
    clean = sanitize(markdown_to_html(translation.body), src, translation.body, translation.body_line,
                     id_prefix=f"{translation.topic_id}--")
    problems = list(clean.problems)
    topic = TopicContext(
        topic_id=translation.topic_id,
        title=translation.title,
        subtitle=translation.subtitle,
        summary=translation.summary,
        reviewed=translation.reviewed,
        body_html=clean.markup,
        sources=translation.sources,
        related=_related(catalogue, translation, problems),
        next_review=(next_review(translation.reviewed, catalogue.site.review_months)
                     if translation.reviewed else None),
        draft=translation.status != "approved",
    )
    printed = " ".join(filter(None, [translation.title, translation.subtitle, translation.summary,
                                     *(s.title for s in translation.sources), clean.text]))
    for char in missing_characters(printed):
        problems.append(Problem(src, f"character '{char}' (U+{ord(char):04X}) is not in the brochure font "
                                     "and would print in another font; replace it", severity="warning"))
    return topic, problems


def render_document(catalogue: Catalogue, job: Job, topics: tuple[TopicContext, ...], variant: Variant,
                    renderer: PageRenderer, messages: Messages,
                    problems: list[Problem]) -> tuple[bytes, int, str] | None:
    """Page → PDF bytes, page count and the HTML; None when the layout text has errors."""
    site = catalogue.site
    context = PageContext(
        lang=job.lang,
        title=job.title,
        summary=job.summary,
        topics=topics,
        organisation=site.organisation_for(job.lang),
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
