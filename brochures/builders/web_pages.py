"""What the web edition's pages show, and a topic page made as a worker's work.

A topic page converts the topic's Markdown again (with the web's image URLs): content that makes
the converter or the sanitiser slow must not run without end in the build process, after its PDF
was stopped at `render_seconds`. So `website.py` has each topic page made in a render worker,
bounded like a render task (`budget.py`): the same limits, the same line when one is reached.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from babel import Locale
from markupsafe import Markup

from brochures.builders.plan import Job
from brochures.content.catalogue import Catalogue
from brochures.content.settings import text_for
from brochures.files import FileRefused, read_inside
from brochures.html.messages import Messages, current_messages
from brochures.html.page import PageRenderer, Phone
from brochures.html.phones import tel_href
from brochures.html.topic import locales_dirs, topic_context, typeset_optional
from brochures.problems import ContentError, Problem, has_errors
from brochures.resources import TEMPLATES_DIR
from brochures.web.pages import Contact, Download, Language, WebPage, relative_images, render, untitled_boxes


@dataclass(frozen=True)
class TopicPage:
    """One topic page to make: picklable, for a worker."""

    catalogue: Catalogue  # with the topics this page names only
    job: Job
    others: tuple[str, ...]  # the languages the topic also has
    downloads: tuple[Download, ...]


_renderers: dict[Path, PageRenderer] = {}  # this process's, by content folder


def make_topic_page(page: TopicPage) -> tuple[dict[str, bytes], list[Problem]]:
    """The page and the images it shows (a worker's work); warnings were reported with the PDF,
    errors leave the page unwritten."""
    catalogue, job = page.catalogue, page.job
    renderer = _renderers.get(catalogue.content_dir)
    if renderer is None:
        renderer = _renderers[catalogue.content_dir] = PageRenderer([catalogue.content_dir / "templates",
                                                                      TEMPLATES_DIR], web=True)
    translation = job.translations[0]
    layout_text = messages(catalogue, job.lang)
    try:
        # With the layout text, each urgent callout gets the line its brochure prints: whom to call.
        topic, found = topic_context(catalogue, translation, gettext=layout_text.gettext, web=True)
        if has_errors(found):
            return {}, [p for p in found if p.severity == "error"]
        topic, images = relative_images(untitled_boxes(topic), translation.src_path.parent)
        related = tuple((r.title, f"../{r.topic_id}/index.html") for r in topic.related)
        web_page = WebPage(lang=job.lang, title=topic.title, root="../../", contact=contact(catalogue, job.lang),
                           brand_css=brand_css(catalogue), topic=topic, related=related, downloads=page.downloads,
                           catalogue="../index.html",
                           languages=tuple(Language(o, language_name(o), f"../../{o}/{job.name}/index.html")
                                           for o in page.others))
        folder = f"{job.lang}/{job.name}"
        files = {f"{folder}/index.html": render(renderer, "topic.html.j2", web_page, layout_text)}
        for name in images:
            files[f"{folder}/{name}"] = read_file(translation.src_path.parent / name, translation.src_path.parent)
    except ContentError as exc:
        return {}, list(exc.problems)
    return files, []


def contact(catalogue: Catalogue, lang: str) -> Contact:
    site = catalogue.site
    return Contact(
        organisation=typeset_optional(site.organisation_for(lang), lang, site.typography),
        phone=Phone(site.phone, tel_href(site.phone)) if site.phone else None,
        website=site.website,
        address=text_for(site.address, lang),
        email=site.email,
        hours=text_for(site.hours, lang),
    )


def brand_css(catalogue: Catalogue) -> Markup:
    """The clinic's colours (validated in branding.py) as the custom properties web.css reads."""
    rules = " ".join(f"--brand-{name}: {value};" for name, value in catalogue.site.branding.colors)
    return Markup(f":root {{ {rules} }}" if rules else "")


def language_name(lang: str) -> str:
    name = Locale.parse(lang).get_display_name(lang) or lang
    return name[:1].upper() + name[1:]


def messages(catalogue: Catalogue, lang: str) -> Messages:
    """The layout text (`current_messages`); each page gets its own copy, so that text one page
    lacks is reported with that page only."""
    return replace(current_messages(locales_dirs(catalogue), lang, catalogue.site.typography), missing=set())


def read_file(path: Path, folder: Path) -> bytes:
    """A file copied into the edition: a regular file inside its own folder (files.py's rule)."""
    try:
        return read_inside(path, [folder])
    except FileRefused as exc:
        raise ContentError(Problem(path, exc.reason)) from None
