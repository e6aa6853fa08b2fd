"""Turn one translation and the site settings into a complete HTML page with Jinja2.

Templates receive one context built from frozen data and nothing else. Every value from
content or settings is autoescaped; only the sanitised body is marked safe.
"""

from __future__ import annotations

import datetime
import hashlib
import os
import re
import traceback
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Callable

import jinja2
from jinja2 import (
    BaseLoader,
    Environment,
    FileSystemBytecodeCache,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
)
from jinja2.bccache import Bucket
from jinja2.loaders import split_template_path
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from brochures.cache import cache_dir
from brochures.content.branding import Branding
from brochures.content.frontmatter import Source
from brochures.content.kit import Personal
from brochures.files import FileRefused, file_stamp, read_inside
from brochures.html.messages import Messages
from brochures.html.pagination import balanced
from brochures.html.phones import tel_href
from brochures.html.qrcode import qr_svg
from brochures.html.web_addresses import printed_address, web_address
from brochures.problems import ContentError, Problem

ENVIRONMENT = {"autoescape": True, "extensions": ("jinja2.ext.i18n",), "trim_blocks": True, "lstrip_blocks": True}
TEMPLATE_BYTES = 1024 * 1024  # one template; the project's largest is about 3 KB
# What a clinic's template may raise while it runs (besides Jinja2's own errors): an input
# problem, reported with the template's file and line, never a crash.
TEMPLATE_RUNTIME_ERRORS = (TemplateError, ArithmeticError, TypeError, ValueError, LookupError,
                           AttributeError, RecursionError)


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
    fillable: bool = False  # a PDF for screens: the questions page is a form field (pdf/forms.py)
    letter: Personal | None = None  # a patient's kit: the cover letter's personal part (templates/kit.html.j2)


def css_string(text: str) -> str:
    """Quote text for a CSS `content` value; `<` is escaped so it can never close a <style>."""
    escaped = re.sub(r'[\\"<\n]', lambda m: f"\\{ord(m.group()):x} ", text)
    return f'"{escaped}"'


def brand_css(branding: Branding, uri: Callable[[Path], str] = Path.as_uri) -> Markup:
    """CSS custom properties read by brochure.css; values were validated, strings are quoted."""
    rules = [f"--brand-{name}: {value};" for name, value in branding.colors]
    if branding.logo is not None:
        rules.append(f"--brand-logo: url({css_string(uri(branding.logo))});")
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


class SafeFileLoader(BaseLoader):
    """Templates from folders, searched in order, read only through `files.read_inside`.

    A template that is a symlink out of its folder, a FIFO or a device is refused with a line
    naming it, like every other file the build reads; `..` in a name is refused by Jinja2.
    """

    def __init__(self, folders: list[Path]) -> None:
        self.folders = folders

    def get_source(self, environment: Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        pieces = split_template_path(template)
        for folder in self.folders:
            path = folder.joinpath(*pieces)
            if not os.path.lexists(path):
                continue
            try:
                data = read_inside(path, [folder], TEMPLATE_BYTES)
            except FileRefused as exc:
                raise ContentError(Problem(path, f"template: {exc.reason}")) from None
            try:
                source = data.decode("utf-8")
            except UnicodeDecodeError:
                raise ContentError(Problem(path, "template: not UTF-8 text; save the file as UTF-8")) from None
            stamp = file_stamp(path)
            return source, str(path), lambda: file_stamp(path) == stamp
        raise TemplateNotFound(template)


class _TemplateCache(FileSystemBytecodeCache):
    """Jinja2's file cache of compiled templates, where an entry that cannot be read (damaged,
    not a plain file) or written (a full or read-only disk) only means compiling again."""

    def load_bytecode(self, bucket: Bucket) -> None:
        path = Path(self._get_cache_filename(bucket))
        try:
            data = read_inside(path, [path.parent], TEMPLATE_BYTES * 4)
        except FileRefused:
            return  # none yet (or not a plain file): compile
        try:
            bucket.load_bytecode(BytesIO(data))
        except Exception:  # damaged: Jinja2 checks the code's version and source, not its bytes
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


def compiled_templates() -> FileSystemBytecodeCache | None:
    """Templates compiled by an earlier process, from the user's cache (brochures/cache.py):
    compiling the brochure's dozen templates costs each new process about 40 ms.

    Jinja2 checks each entry against the template's source; a folder per set of environment
    options (they change the compiled code) keeps other settings' code apart.
    """
    options = repr(sorted(ENVIRONMENT.items())) + jinja2.__version__ + "sandboxed, strict undefined"
    folder = cache_dir() / f"templates-{hashlib.sha256(options.encode()).hexdigest()[:16]}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None  # no cache: compile in every process
    return _TemplateCache(str(folder))


class PageRenderer:
    """One Jinja2 environment per language, so gettext is bound to the reader's catalogue.

    Templates are searched in `template_dirs` in order (a clinic's own first). They may come
    from the content folder, which is untrusted: the sandbox keeps them from reaching Python.
    `web`: the pages of the web edition, whose web addresses are printed for a browser.
    """

    def __init__(self, template_dirs: list[Path], web: bool = False) -> None:
        self.template_dirs = template_dirs
        self.address = web_address if web else printed_address
        self._environments: dict[str, SandboxedEnvironment] = {}
        self._bound: dict[str, Messages] = {}  # the layout text each language's environment speaks

    def environment(self, messages: Messages) -> SandboxedEnvironment:
        env = self._environments.get(messages.lang)
        if env is None:
            env = SandboxedEnvironment(loader=SafeFileLoader(self.template_dirs), undefined=StrictUndefined,
                                       bytecode_cache=compiled_templates(), **ENVIRONMENT)
            env.filters["css_counters"] = css_counters
            env.filters["css_target"] = css_target
            env.filters["balanced"] = balanced
            env.filters["qr_svg"] = qr_svg
            env.filters["address"] = self.address
            env.filters["tel_href"] = tel_href
            self._environments[messages.lang] = env
        if self._bound.get(messages.lang) is not messages:  # first use, or the catalogue was read again
            env.install_gettext_callables(messages.gettext, messages.ngettext, newstyle=True)  # type: ignore[attr-defined]
            env.globals["format_date"] = messages.date
            env.globals["format_day"] = messages.day
            env.globals["format_time"] = messages.time
            self._bound[messages.lang] = messages
        return env

    def render(self, template: str, context: PageContext, messages: Messages) -> str:
        """The page; a broken or forbidden template (a clinic's own) is a problem, not a crash."""
        try:
            return self.environment(messages).get_template(template).render(doc=context)
        except TemplateSyntaxError as exc:
            path = Path(exc.filename) if exc.filename else None
            raise ContentError(Problem(path, f"template: {exc.message}", exc.lineno)) from None
        except RecursionError as exc:
            path, line = _template_frame(exc)
            raise ContentError(Problem(path, "template: includes or calls itself without end", line)) from None
        except TEMPLATE_RUNTIME_ERRORS as exc:
            path, line = _template_frame(exc)
            detail = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
            raise ContentError(Problem(path or Path(template), f"template: {detail}", line)) from None


def _template_frame(exc: BaseException) -> tuple[Path | None, int | None]:
    """The template file and line where `exc` was raised: Jinja2 rewrites the traceback so
    that template code appears in it under the template's own file name."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith(".j2"):
            return Path(frame.filename), frame.lineno
    return None, None
