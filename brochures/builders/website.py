"""Build the web edition beside the PDFs: plan its pages, skip those that are current, write the rest.

The web edition sits in each output root: `index.html` (choose a language), `<lang>/index.html`
(the catalogue), `<lang>/<topic>/index.html` (one page per topic, with its images) and `assets/`
(stylesheets, the filter script and the font files). Pages are recorded in the build record like
PDFs, so a build with nothing new rewrites nothing, and the same input gives the same bytes.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterator

from brochures.builders.budget import limit_reached, task_budget
from brochures.builders.head_start import render_and_write
from brochures.builders.plan import Job, Options
from brochures.builders.record import BuildRecord, Entry, Fingerprint, Hasher, fingerprint, output_path
from brochures.builders.tasks import Output
from brochures.builders.web_pages import TopicPage, brand_css, contact, language_name, messages, read_file
from brochures.builders.workers import Failure, shared_pool
from brochures.content.bundles import Bundles, bundle_problems_for
from brochures.content.catalogue import Catalogue
from brochures.files import write_atomic
from brochures.html.fonts import FACES, FONT_DIR
from brochures.html.page import PageRenderer
from brochures.html.topic import typeset_optional
from brochures.html.typography import typeset
from brochures.problems import ContentError, Problem
from brochures.resources import LOCALES_DIR, STYLES_DIR, TEMPLATES_DIR
from brochures.web.pages import ASSETS, PDF_VARIANTS, Download, Language, WebPage, render
from brochures.web.pages import Entry as CatalogueEntry

WEB_ASSETS = ("web.css", "print.css", "filter.js")  # under styles/web/ (a clinic's own first)
HOME = "web:"  # document of the home page and assets in the build record
Notify = Callable[[str, str, str], None]


@dataclass(frozen=True)
class PageJob:
    identity: str  # in the build record: "web:<lang>/<name>"
    document: str  # removed with its outputs when this no longer exists
    inputs: dict[str, str]
    make: Callable[[], dict[str, bytes]]  # relative path → bytes


def web_documents(catalogue: Catalogue) -> set[str]:
    """Record documents of the web edition that exist whatever the topics: home and catalogues."""
    return {HOME} | {f"web:{lang}" for lang in catalogue.site.languages}


def build_web(catalogue: Catalogue, bundles: Bundles, jobs: tuple[Job, ...], failed: set[str], options: Options,
              record: BuildRecord, force: bool, notify: Notify, workers: int = 1) -> tuple[list[Output], list[Problem]]:
    """Write what changed in the web edition; the files written and the problems found.

    `failed`: documents ("<lang>/<name>") not built: their pages are not made, and the catalogue
    says a topic is not available when it has no page. Topic pages are made first, in `workers`
    worker processes under the documents' budget (`web_pages.py`), then the catalogues.
    """
    hasher = Hasher()
    problems: list[Problem] = []
    langs = [lang for lang in catalogue.site.languages if not options.langs or lang in options.langs]
    common = _common_inputs(catalogue, hasher)
    topic_pages = _topic_pages(catalogue, jobs, failed, langs, options, hasher, common)
    due = [(page, topic) for page, topic in topic_pages
           if force or not record.is_current(page.identity, _fingerprint(page), options.out_dir)]
    made: dict[str, tuple[dict[str, bytes], list[Problem]]] = {}
    for index, files, found in _make_topic_pages([topic for _, topic in due], workers):
        made[due[index][0].identity] = (files, found)
    pages: list[PageJob] = []
    for page, _ in topic_pages:
        files, found = made.get(page.identity, ({}, []))
        problems.extend(found)
        pages.append(replace(page, make=lambda files=files: files))

    renderer = PageRenderer([catalogue.content_dir / "templates", TEMPLATES_DIR], web=True)
    pages.insert(0, _assets(catalogue, hasher))
    listed = tuple(lang for lang in catalogue.site.languages  # whose catalogue exists or is made now
                   if lang in langs or (options.out_dir / lang / "index.html").is_file())
    if listed:
        pages.append(PageJob("web:index", HOME, common | {"languages": " ".join(listed)},
                             lambda: {"index.html": _home(catalogue, listed, renderer)}))
    written: list[Output] = []
    before = dict(record.entries)
    try:
        for page in pages:
            if not _write_page(page, record, options, force, notify, written, problems):
                return written, problems
        for lang in langs:  # last: whether each topic has a page is known
            entries = _entries(catalogue, bundles, lang, options.out_dir)
            page = PageJob(f"web:{lang}/index", f"web:{lang}",
                           common | {"entries": repr(entries)} | _locale_inputs(catalogue, lang, hasher),
                           lambda lang=lang, entries=entries: {
                               f"{lang}/index.html": _catalogue_page(catalogue, lang, entries, renderer)})
            if not _write_page(page, record, options, force, notify, written, problems):
                break
    finally:  # once, also when interrupted: saving after every page rewrote the whole record each time
        if record.entries != before:
            record.save(options.out_dir, options.content_dir)
    return written, problems


def _make_topic_pages(pages: list[TopicPage], jobs: int) -> Iterator[tuple[int, dict[str, bytes], list[Problem]]]:
    """(index, files, problems) of each page, as each worker finishes; no files when it failed."""
    if not pages:
        return
    # The render workers' pool: its workers are forked and warm already (head_start.render_and_write).
    for index, outcome in shared_pool(render_and_write).run(pages, range(len(pages)), jobs, task_budget,
                                                            _limit_reached):
        if isinstance(outcome, Failure):
            yield index, {}, [Problem(pages[index].job.src_path, outcome.reason)]
        else:
            yield index, *outcome


def _limit_reached(page: TopicPage, what: str) -> str:
    return limit_reached(page, what).replace(" not built:", " web page not built:", 1)


def _topic_pages(catalogue: Catalogue, jobs: tuple[Job, ...], failed: set[str], langs: list[str], options: Options,
                 hasher: Hasher, common: dict[str, str]) -> list[tuple[PageJob, TopicPage]]:
    """The topic pages of the documents built (or current), each with what a worker needs to make it."""
    pages = []
    for job in jobs:
        if job.template != "brochure.html.j2" or job.lang not in langs or f"{job.lang}/{job.name}" in failed:
            continue
        translation = job.translations[0]
        topic = catalogue.topics[translation.topic_id]
        stamp = fingerprint(job, catalogue, _PDF_FREE, options, hasher)
        others = tuple(lang for lang in catalogue.site.languages if lang != job.lang and lang in topic.translations)
        downloads = _downloads(options.out_dir, job.lang, job.name, "../")
        related = [(r, catalogue.topics[r].translations[job.lang].title) for r in translation.related
                   if r in catalogue.topics and job.lang in catalogue.topics[r].translations]
        inputs = stamp.inputs | common | {"others": " ".join(others), "downloads": repr(downloads),
                                          "related-links": repr(related)}
        wanted = {translation.topic_id, *translation.related}
        needed = replace(catalogue, topics={k: v for k, v in catalogue.topics.items() if k in wanted}, problems=())
        pages.append((PageJob(f"web:{job.lang}/{job.name}", f"{job.lang}/{job.name}", inputs, dict),
                      TopicPage(needed, job, others, downloads)))
    return pages


def _fingerprint(page: PageJob) -> Fingerprint:
    key = hashlib.sha256(json.dumps(sorted(page.inputs.items())).encode("utf-8")).hexdigest()
    return Fingerprint(key, page.inputs)


def _write_page(page: PageJob, record: BuildRecord, options: Options, force: bool, notify: Notify,
                written: list[Output], problems: list[Problem]) -> bool:
    """Make and write one page unless it is current; False when the output folder cannot be written."""
    stamp = _fingerprint(page)
    if not force and record.is_current(page.identity, stamp, options.out_dir):
        notify("unchanged", page.identity, "")
        return True
    try:
        files = page.make()
    except ContentError as exc:
        problems.extend(exc.problems)
        return True
    if not files:
        return True
    try:
        now = len(written)
        for rel, data in files.items():
            if _same(options.out_dir / rel, data):
                continue  # a page's image, or a page whose inputs changed but not its text
            write_atomic(options.out_dir / rel, data)
            written.append(Output(options.out_dir / rel, 0, len(data)))
        if written[now:]:  # an open page showing them reloads now (the preview)
            notify("written", page.identity, "\n".join(str(output.path) for output in written[now:]))
    except OSError as exc:
        problems.append(Problem(options.out_dir, f"cannot write the web edition: {exc.strerror or exc}; "
                                                 "check that the output folder is writable and has space"))
        return False
    previous = record.entries.get(page.identity)
    for rel in sorted(set(previous.files if previous else ()) - set(files)):  # an image no longer used
        path = output_path(options.out_dir, rel)
        if path is not None and path.is_file() and not path.is_symlink():
            path.unlink()
    record.entries[page.identity] = Entry(page.document, stamp.key, page.inputs,
                                          {rel: len(data) for rel, data in sorted(files.items())}, 0)
    return True


def _same(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


class _NoVariant:
    """Stands for the print variant in `record.fingerprint`: a web page depends on no paper size."""

    def __repr__(self) -> str:
        return "web"


_PDF_FREE = _NoVariant()


def _common_inputs(catalogue: Catalogue, hasher: Hasher) -> dict[str, str]:
    content = catalogue.content_dir
    inputs: dict[str, str] = {}
    for folder in (TEMPLATES_DIR / "web", content / "templates" / "web"):
        inputs |= {f"web:{p.name}": digest for p, digest in hasher.tree(folder).items()}
    if (content / "site.yaml").is_file():
        inputs["site.yaml"] = hasher.file(content / "site.yaml")
    return inputs


def _locale_inputs(catalogue: Catalogue, lang: str, hasher: Hasher) -> dict[str, str]:
    return {str(d / f"{lang}.po"): hasher.file(d / f"{lang}.po")
            for d in (catalogue.content_dir / "locales", LOCALES_DIR) if (d / f"{lang}.po").is_file()}


def _asset_sources(catalogue: Catalogue) -> dict[str, Path]:
    """Output path under `assets/` → the file copied there: stylesheets, script, fonts."""
    own = catalogue.content_dir / "styles" / "web"
    sources = {f"{ASSETS}/{name}": (own / name if (own / name).is_file() else STYLES_DIR / "web" / name)
               for name in WEB_ASSETS}
    sources |= {f"{ASSETS}/fonts/{name}": FONT_DIR / name for name, _, _ in FACES}
    sources[f"{ASSETS}/fonts/OFL.txt"] = FONT_DIR / "OFL.txt"
    return {rel: path for rel, path in sources.items() if path.is_file()}


def _assets(catalogue: Catalogue, hasher: Hasher) -> PageJob:
    sources = _asset_sources(catalogue)
    inputs = {rel: hasher.file(path) for rel, path in sources.items()}
    return PageJob("web:assets", HOME, inputs,
                   lambda: {rel: read_file(path, path.parent) for rel, path in sources.items()})


def _home(catalogue: Catalogue, langs: tuple[str, ...], renderer: PageRenderer) -> bytes:
    first = langs[0]
    page = WebPage(lang=first, title=catalogue.site.organisation_for(first) or "", root="",
                   contact=contact(catalogue, first), brand_css=brand_css(catalogue),
                   languages=tuple(Language(lang, language_name(lang), f"{lang}/index.html") for lang in langs))
    return render(renderer, "home.html.j2", page, messages(catalogue, first))


def _downloads(out_dir: Path, lang: str, name: str, prefix: str) -> tuple[Download, ...]:
    """The PDFs of this document present in the output folder, with links relative to a page."""
    found = []
    for suffix in PDF_VARIANTS:
        path = out_dir / lang / f"{name}{suffix}.pdf"
        if path.is_file():
            found.append(Download(suffix, f"{prefix}{name}{suffix}.pdf", path.stat().st_size))
    return tuple(found)


def _entries(catalogue: Catalogue, bundles: Bundles, lang: str, out_dir: Path) -> tuple[CatalogueEntry, ...]:
    site = catalogue.site
    entries = []
    for topic in catalogue.topics.values():
        translation = topic.translations.get(lang)
        if translation is None:
            continue
        available = (out_dir / lang / topic.id / "index.html").is_file()  # written, now or by an earlier build
        entries.append(CatalogueEntry(typeset(translation.title, lang, site.typography),
                                      typeset_optional(translation.summary, lang, site.typography),
                                      f"{topic.id}/index.html" if available else None,
                                      _downloads(out_dir, lang, topic.id, ""), "topic", available))
    for bundle in bundles.valid:
        if bundle_problems_for(bundle, catalogue, lang):
            continue
        titles = [catalogue.topics[t].translations[lang].title for t in bundle.topics]
        entries.append(CatalogueEntry(typeset(bundle.titles[lang], lang, site.typography),
                                      typeset(" · ".join(titles), lang, site.typography), None,
                                      _downloads(out_dir, lang, f"bundles/{bundle.id}", ""), "bundle"))
    return tuple(entries)


def _catalogue_page(catalogue: Catalogue, lang: str, entries: tuple[CatalogueEntry, ...],
                    renderer: PageRenderer) -> bytes:
    others = [other for other in catalogue.site.languages if other != lang]
    page = WebPage(lang=lang, title=catalogue.site.organisation_for(lang) or "", root="../",
                   contact=contact(catalogue, lang), brand_css=brand_css(catalogue), entries=entries,
                   languages=tuple(Language(o, language_name(o), f"../{o}/index.html") for o in others))
    return render(renderer, "catalogue.html.j2", page, messages(catalogue, lang))
