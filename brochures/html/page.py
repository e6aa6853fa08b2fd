"""Turn one translation and the site settings into a complete HTML page with Jinja2.

Templates receive one context built from frozen data and nothing else. Every value from
content or settings is autoescaped; only the sanitised body is marked safe.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path

from jinja2 import FileSystemLoader, StrictUndefined, TemplateError, TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from brochures.content.branding import Branding
from brochures.content.frontmatter import Source
from brochures.html.messages import Messages
from brochures.html.pagination import balanced
from brochures.html.qrcode import qr_svg
from brochures.problems import ContentError, Problem


@dataclass(frozen=True)
class RelatedTopic:
    topic_id: str
    title: str


@dataclass(frozen=True)
class Phone:
    text: str
    href: str


@dataclass(frozen=True)
class TopicContext:
    """One topic as printed: its title block, body and back matter."""

    topic_id: str
    title: str
    subtitle: str | None
    summary: str | None
    reviewed: datetime.date | None
    body_html: Markup
    sources: tuple[Source, ...]
    related: tuple[RelatedTopic, ...]
    next_review: datetime.date | None = None
    draft: bool = True  # not approved: every page carries the draft mark


@dataclass(frozen=True)
class PageContext:
    """Everything a document template may print: one topic, or several in a bundle."""

    lang: str
    title: str
    summary: str | None
    topics: tuple[TopicContext, ...]
    organisation: str | None
    phone: Phone | None
    website: str | None
    paper: str
    body_classes: str
    brand_css: Markup = Markup("")  # colours and logo, validated in branding.py
    has_logo: bool = False
    address: str | None = None
    email: str | None = None
    hours: str | None = None
    online_url: str | None = None
    draft: bool = True  # any topic of the document is a draft
    notes_pages: int = 0  # ruled pages before the back page (booklet padding)


def css_string(text: str) -> str:
    """Quote text for a CSS `content` value; `<` is escaped so it can never close a <style>."""
    escaped = re.sub(r'[\\"<\n]', lambda m: f"\\{ord(m.group()):x} ", text)
    return f'"{escaped}"'


def brand_css(branding: Branding) -> Markup:
    """CSS custom properties read by brochure.css; values were validated, strings are quoted."""
    rules = [f"--brand-{name}: {value};" for name, value in branding.colors]
    if branding.logo is not None:
        rules.append(f"--brand-logo: url({css_string(branding.logo.as_uri())});")
    return Markup(f":root {{ {' '.join(rules)} }}" if rules else "")


def css_counters(message: str) -> Markup:
    """A CSS `content` value from a message with {page} and {pages} placeholders."""
    parts = re.split(r"(\{page\}|\{pages\})", str(message))
    tokens = []
    for part in parts:
        if part in ("{page}", "{pages}"):
            tokens.append(f"counter({part[1:-1]})")
        elif part:
            tokens.append(css_string(part))
    return Markup(" ".join(tokens) or '""')


def css_target(message: str) -> Markup:
    """A CSS `content` value from a message with a {page} placeholder: the page number of the
    link's target (`target-counter`), for "see page 4" in a bundle."""
    parts = re.split(r"(\{page\})", str(message))
    tokens = ["target-counter(attr(href), page)" if part == "{page}" else css_string(part)
              for part in parts if part]
    return Markup(" ".join(tokens) or '""')


class PageRenderer:
    """One Jinja2 environment per language, so gettext is bound to the reader's catalogue.

    Templates are searched in `template_dirs` in order (a clinic's own first). They may come
    from the content folder, which is untrusted: the sandbox keeps them from reaching Python.
    """

    def __init__(self, template_dirs: list[Path]) -> None:
        self.template_dirs = template_dirs
        self._environments: dict[str, SandboxedEnvironment] = {}

    def environment(self, messages: Messages) -> SandboxedEnvironment:
        env = self._environments.get(messages.lang)
        if env is None:
            env = SandboxedEnvironment(
                loader=FileSystemLoader([str(d) for d in self.template_dirs]),
                autoescape=True,
                undefined=StrictUndefined,
                extensions=["jinja2.ext.i18n"],
                trim_blocks=True,
                lstrip_blocks=True,
            )
            env.filters["css_counters"] = css_counters
            env.filters["css_target"] = css_target
            env.filters["balanced"] = balanced
            env.filters["qr_svg"] = qr_svg
            env.install_gettext_callables(messages.gettext, messages.ngettext, newstyle=True)  # type: ignore[attr-defined]
            env.globals["format_date"] = messages.date
            self._environments[messages.lang] = env
        return env

    def render(self, template: str, context: PageContext, messages: Messages) -> str:
        """The page; a broken or forbidden template (a clinic's own) is a problem, not a crash."""
        try:
            return self.environment(messages).get_template(template).render(doc=context)
        except TemplateSyntaxError as exc:
            path = Path(exc.filename) if exc.filename else None
            raise ContentError(Problem(path, f"template: {exc.message}", exc.lineno)) from None
        except TemplateError as exc:
            raise ContentError(Problem(None, f"template '{template}': {exc}")) from None
