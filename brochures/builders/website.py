"""Build the web edition beside the PDFs: plan its pages, skip those that are current, write the rest.

The web edition sits in each output root: `index.html` (choose a language), `<lang>/index.html`
(the catalogue), `<lang>/<topic>/index.html` (one page per topic, with its images) and `assets/`
(stylesheets, the filter script and the font files). Pages are recorded in the build record like
PDFs, so a build with nothing new rewrites nothing, and the same input gives the same bytes.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from babel import Locale
from markupsafe import Markup

from brochures.builders.plan import Job, Options
from brochures.builders.record import BuildRecord, Entry, Fingerprint, Hasher, fingerprint, output_path
from brochures.builders.tasks import Output
from brochures.content.bundles import Bundles, bundle_problems_for
from brochures.content.catalogue import Catalogue
from brochures.content.settings import text_for
from brochures.files import FileRefused, read_inside, write_atomic
from brochures.html.fonts import FACES, FONT_DIR
from brochures.html.messages import Messages, load_messages
from brochures.html.page import PageRenderer, Phone
from brochures.html.sanitize import tel_href
from brochures.html.topic import locales_dirs, topic_context, typeset_optional
from brochures.html.typography import typeset
from brochures.problems import ContentError, Problem, has_errors
from brochures.resources import LOCALES_DIR, STYLES_DIR, TEMPLATES_DIR
from brochures.web.pages import (
    ASSETS,
    PDF_VARIANTS,
    Contact,
    Download,
    Language,
    WebPage,
    relative_images,
    render,
    untitled_boxes,
)
from brochures.web.pages import (
    Entry as CatalogueEntry,
)

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
              record: BuildRecord, force: bool, notify: Notify) -> tuple[list[Output], list[Problem]]:
    """Write what changed in the web edition; the files written and the problems found."""
    hasher = Hasher()
    problems: list[Problem] = []
    langs = [lang for lang in catalogue.site.languages if not options.langs or lang in options.langs]
    renderer = PageRenderer([catalogue.content_dir / "templates", TEMPLATES_DIR], web=True)
    common = _common_inputs(catalogue, hasher)
    pages: list[PageJob] = [_assets(catalogue, hasher)]
    listed = tuple(lang for lang in catalogue.site.languages  # whose catalogue exists or is made now
                   if lang in langs or (options.out_dir / lang / "index.html").is_file())
    if listed:
        pages.append(PageJob("web:index", HOME, common | {"languages": " ".join(listed)},
                             lambda: {"index.html": _home(catalogue, listed, renderer)}))
    for lang in langs:
        entries = _entries(catalogue, bundles, lang, options.out_dir)
        pages.append(PageJob(f"web:{lang}/index", f"web:{lang}",
                             common | {"entries": repr(entries)} | _locale_inputs(catalogue, lang, hasher),
                             lambda lang=lang, entries=entries: {
                                 f"{lang}/index.html": _catalogue_page(catalogue, lang, entries, renderer)}))
    for job in jobs:
        if job.template != "brochure.html.j2" or job.lang not in langs or f"{job.lang}/{job.name}" in failed:
            continue
        translation = job.translations[0]
        topic = catalogue.topics[translation.topic_id]
        stamp = fingerprint(job, catalogue, _PDF_FREE, options, hasher)
        others = [lang for lang in catalogue.site.languages if lang != job.lang and lang in topic.translations]
        downloads = _downloads(options.out_dir, job.lang, job.name, "../")
        related = [(r, catalogue.topics[r].translations[job.lang].title) for r in translation.related
                   if r in catalogue.topics and job.lang in catalogue.topics[r].translations]
        inputs = stamp.inputs | common | {"others": " ".join(others), "downloads": repr(downloads),
                                          "related-links": repr(related)}
        pages.append(PageJob(f"web:{job.lang}/{job.name}", f"{job.lang}/{job.name}",
                             inputs,
                             lambda job=job, others=others, downloads=downloads: _topic_page(
                                 catalogue, job, others, downloads, renderer, problems)))

    written: list[Output] = []
    for page in pages:
        key = hashlib.sha256(json.dumps(sorted(page.inputs.items())).encode("utf-8")).hexdigest()
        if not force and record.is_current(page.identity, Fingerprint(key, page.inputs), options.out_dir):
            notify("unchanged", page.identity, "")
            continue
        try:
            files = page.make()
        except ContentError as exc:
            problems.extend(exc.problems)
            continue
        if not files:
            continue
        try:
            for rel, data in files.items():
                if _same(options.out_dir / rel, data):
                    continue  # a page's image, or a page whose inputs changed but not its text
                write_atomic(options.out_dir / rel, data)
                written.append(Output(options.out_dir / rel, 0, len(data)))
        except OSError as exc:
            problems.append(Problem(options.out_dir, f"cannot write the web edition: {exc.strerror or exc}; "
                                                     "check that the output folder is writable and has space"))
            return written, problems
        previous = record.entries.get(page.identity)
        for rel in sorted(set(previous.files if previous else ()) - set(files)):  # an image no longer used
            path = output_path(options.out_dir, rel)
            if path is not None and path.is_file() and not path.is_symlink():
                path.unlink()
        record.entries[page.identity] = Entry(page.document, key, page.inputs,
                                              {rel: len(data) for rel, data in sorted(files.items())}, 0)
        record.save(options.out_dir, options.content_dir)
    return written, problems


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
                   lambda: {rel: _read(path, path.parent) for rel, path in sources.items()})


def _contact(catalogue: Catalogue, lang: str) -> Contact:
    site = catalogue.site
    return Contact(
        organisation=typeset_optional(site.organisation_for(lang), lang, site.typography),
        phone=Phone(site.phone, tel_href(site.phone)) if site.phone else None,
        website=site.website,
        address=text_for(site.address, lang),
        email=site.email,
        hours=text_for(site.hours, lang),
    )


def _brand_css(catalogue: Catalogue) -> Markup:
    """The clinic's colours (validated in branding.py) as the custom properties web.css reads."""
    rules = " ".join(f"--brand-{name}: {value};" for name, value in catalogue.site.branding.colors)
    return Markup(f":root {{ {rules} }}" if rules else "")


def language_name(lang: str) -> str:
    name = Locale.parse(lang).get_display_name(lang) or lang
    return name[:1].upper() + name[1:]


def _messages(catalogue: Catalogue, lang: str) -> Messages:
    return load_messages(locales_dirs(catalogue), lang, catalogue.site.typography)


def _home(catalogue: Catalogue, langs: tuple[str, ...], renderer: PageRenderer) -> bytes:
    first = langs[0]
    page = WebPage(lang=first, title=catalogue.site.organisation_for(first) or "", root="",
                   contact=_contact(catalogue, first), brand_css=_brand_css(catalogue),
                   languages=tuple(Language(lang, language_name(lang), f"{lang}/index.html") for lang in langs))
    return render(renderer, "home.html.j2", page, _messages(catalogue, first))


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
        entries.append(CatalogueEntry(typeset(translation.title, lang, site.typography),
                                      typeset_optional(translation.summary, lang, site.typography),
                                      f"{topic.id}/index.html", _downloads(out_dir, lang, topic.id, ""), "topic"))
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
                   contact=_contact(catalogue, lang), brand_css=_brand_css(catalogue), entries=entries,
                   languages=tuple(Language(o, language_name(o), f"../{o}/index.html") for o in others))
    return render(renderer, "catalogue.html.j2", page, _messages(catalogue, lang))


def _topic_page(catalogue: Catalogue, job: Job, others: list[str], downloads: tuple[Download, ...],
                renderer: PageRenderer, problems: list[Problem]) -> dict[str, bytes]:
    """The page and the images it shows; warnings were reported with the PDF, errors skip it."""
    translation = job.translations[0]
    topic, found = topic_context(catalogue, translation, web=True)
    if has_errors(found):
        problems.extend(p for p in found if p.severity == "error")
        return {}
    topic, images = relative_images(untitled_boxes(topic), translation.src_path.parent)
    related = tuple((r.title, f"../{r.topic_id}/index.html") for r in topic.related)
    page = WebPage(lang=job.lang, title=topic.title, root="../../", contact=_contact(catalogue, job.lang),
                   brand_css=_brand_css(catalogue), topic=topic, related=related, downloads=downloads,
                   catalogue="../index.html",
                   languages=tuple(Language(o, language_name(o), f"../../{o}/{job.name}/index.html") for o in others))
    folder = f"{job.lang}/{job.name}"
    files = {f"{folder}/index.html": render(renderer, "topic.html.j2", page, _messages(catalogue, job.lang))}
    for name in images:
        files[f"{folder}/{name}"] = _read(translation.src_path.parent / name, translation.src_path.parent)
    return files


def _read(path: Path, folder: Path) -> bytes:
    """A file copied into the edition: a regular file inside its own folder (files.py's rule)."""
    try:
        return read_inside(path, [folder])
    except FileRefused as exc:
        raise ContentError(Problem(path, exc.reason)) from None
