"""Render the pages of the web edition: the home page, a catalogue per language, one page per topic.

The pages come from the same safe, typeset topic HTML as the brochures (html/topic.py), with
the project's (or the clinic's own) Jinja2 templates under `web/`, in the same sandbox. Every
link is relative, so the folder works from any address, from a USB stick or a static host.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import unquote

from markupsafe import Markup

from brochures.html.messages import Messages
from brochures.html.page import PageRenderer, Phone, TopicContext
from brochures.problems import ContentError, Problem

ASSETS = "assets"  # folder under the output root holding the stylesheet, script and fonts
# Suffixes of the PDF variants a topic may have, in the order the pages list them.
PDF_VARIANTS = ("", ".large-print", ".booklet", ".large-print.booklet", ".print-marks")


@dataclass(frozen=True)
class Download:
    kind: str  # one of PDF_VARIANTS
    href: str  # relative to the page
    size: int


@dataclass(frozen=True)
class Entry:
    """One line of a catalogue: a topic or a bundle."""

    title: str
    summary: str | None
    href: str | None  # its web page (bundles have none)
    downloads: tuple[Download, ...]
    kind: str  # "topic" or "bundle"
    available: bool = True  # False: a topic whose page could not be made (its brochure failed)


@dataclass(frozen=True)
class Contact:
    organisation: str | None
    phone: Phone | None
    website: str | None
    address: str | None
    email: str | None
    hours: str | None


@dataclass(frozen=True)
class Language:
    lang: str
    name: str  # the language's own name: English, français
    href: str


@dataclass(frozen=True)
class WebPage:
    """What a web template may print; `root` leads from the page back to the output root."""

    lang: str
    title: str
    root: str
    contact: Contact
    languages: tuple[Language, ...] = ()  # the same page in the other languages
    topic: TopicContext | None = None
    related: tuple[tuple[str, str], ...] = ()  # (title, href)
    downloads: tuple[Download, ...] = ()
    entries: tuple[Entry, ...] = ()
    catalogue: str = "index.html"  # the catalogue of this language, relative to the page
    brand_css: Markup = Markup("")


def render(renderer: PageRenderer, template: str, page: WebPage, messages: Messages) -> bytes:
    """One page as UTF-8 bytes; missing layout text is an error, never an English fallback."""
    try:
        html = renderer.environment(messages).get_template(f"web/{template}").render(page=page)
    except Exception as exc:  # a clinic's own template: its error is a problem, not a crash
        raise ContentError(Problem(None, f"web template '{template}': {exc}")) from None
    problems = messages.problems()
    if problems:
        raise ContentError(*problems)
    return html.encode("utf-8")


# A task item's check box (html/checklists.py), as the sanitiser serialises it, and its title.
_BOX_TITLE = re.compile(r'(<input type="checkbox" class="task-box"[^>]*?) title="[^"]*"')


def untitled_boxes(topic: TopicContext) -> TopicContext:
    """The body without the titles of task items' check boxes: on a web page the label around a box
    names it, and a title would have screen readers say the words a second time (a description)."""
    return replace(topic, body_html=Markup(_BOX_TITLE.sub(r"\1", str(topic.body_html))))


def relative_images(topic: TopicContext, topic_dir: Path) -> tuple[TopicContext, list[str]]:
    """The body with its images as names beside the page, and those names (to copy there).

    The sanitiser gives images absolute `file:` URLs for WeasyPrint; a web page must not
    carry the build machine's paths, so they become relative and the files are copied.
    """
    prefix = topic_dir.resolve().as_uri() + "/"
    body = str(topic.body_html)
    # In src="…" and in a decorative image's style, url(&quot;…&quot;): a URL ends at a quote or &.
    names = sorted({unquote(url) for url in re.findall(re.escape(prefix) + r"([^\"'()\s&<>]+)", body)})
    return replace(topic, body_html=Markup(body.replace(prefix, ""))), names
