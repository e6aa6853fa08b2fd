"""Layout text in the reader's language: gettext catalogues read with Babel, dates in its locale.

The fixed words of the templates ("Page 2 of 4", "Sources", ...) are English message ids,
translated by `<content>/locales/<lang>.po` or else the project's `locales/<lang>.po`, so a
clinic adds a language without touching code. A message missing from a catalogue is
recorded and reported: a French brochure must never print an English fallback.
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Sequence

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time
from babel.messages.pofile import PoFileError, read_po
from jinja2.ext import babel_extract

from brochures.content.settings import DEFAULT_CONVENTION
from brochures.files import FileRefused, file_stamp, read_inside
from brochures.html.callouts import URGENT_CALLS
from brochures.html.mail_text import MAIL_MESSAGES
from brochures.html.typography import typeset
from brochures.problems import ContentError, Problem

SOURCE_LANGUAGE = "en"  # the language the message ids are written in
CATALOGUE_BYTES = 2 * 1024 * 1024  # a .po file; the project's is about 5 KB
TEMPLATE_BYTES = 1024 * 1024  # one template


@dataclass
class Messages:
    """One language's layout text; `missing` collects ids the catalogue lacks."""

    lang: str
    catalogue_path: Path | None
    translations: dict[str, str]
    missing: set[str] = field(default_factory=set)
    convention: str = DEFAULT_CONVENTION  # site.yaml 'typography': fr-CA writes 9 h 30, fr-FR 09:30

    def gettext(self, message: str) -> str:
        if self.lang == SOURCE_LANGUAGE and self.catalogue_path is None:
            return message
        translated = self.translations.get(message)
        if not translated:
            self.missing.add(message)
            return message
        return translated

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return self.gettext(singular if count == 1 else plural)

    def date(self, value: datetime.date) -> str:
        """A date as readers of this language write it: "March 14, 2026", "14 mars 2026"."""
        return format_date(value, format="long", locale=self.lang)

    def day(self, value: datetime.date) -> str:
        """A date with its weekday, for an appointment: "Saturday, March 14, 2026", "samedi 14 mars 2026"."""
        return format_date(value, format="full", locale=self._region())

    def time(self, value: datetime.time | datetime.datetime) -> str:
        """A time of day as this language writes it: "9:30 AM", "09 h 30" (fr-CA), "09:30" (fr-FR)."""
        return format_time(value, format="short", locale=self._region())

    def _region(self) -> str:
        """Babel's locale for this language under the site's convention (fr + fr-CA: fr_CA)."""
        return self.convention.replace("-", "_") if self.convention.startswith(f"{self.lang}-") else self.lang

    def problems(self) -> list[Problem]:
        return [
            Problem(self.catalogue_path, f"no translation for layout text '{message}'; add it to the catalogue")
            for message in sorted(self.missing)
        ]


def load_messages(locales_dirs: Path | Sequence[Path], lang: str, convention: str = DEFAULT_CONVENTION) -> Messages:
    """Read the first `<dir>/<lang>.po`; English needs none, since message ids are English.

    Translations are typeset like the body text (no-break space before a French colon...).
    """
    if isinstance(locales_dirs, Path):
        locales_dirs = [locales_dirs]
    found = [d / f"{lang}.po" for d in locales_dirs if os.path.lexists(d / f"{lang}.po")]
    path = found[0] if found else locales_dirs[0] / f"{lang}.po"
    try:
        Locale.parse(lang)
    except (UnknownLocaleError, ValueError):
        raise ContentError(Problem(None, f"'{lang}' is not a language Babel knows; use an ISO 639 code")) from None
    if not found:
        if lang == SOURCE_LANGUAGE:
            return Messages(lang, None, {}, convention=convention)
        raise ContentError(Problem(
            path, f"no layout-text catalogue for '{lang}'; copy locales/fr.po to {path} and translate it"
        ))
    try:
        data = read_inside(path, [path.parent], CATALOGUE_BYTES)
        catalog = read_po(BytesIO(data), locale=lang, abort_invalid=True)
    except FileRefused as exc:
        raise ContentError(Problem(path, exc.reason)) from None
    except (PoFileError, ValueError) as exc:
        raise ContentError(Problem(path, f"cannot read the catalogue: {exc}")) from None
    translations = {
        str(message.id): typeset(str(message.string), lang, convention)
        for message in catalog
        if message.id and message.string and not message.fuzzy
    }
    return Messages(lang, path, translations, convention=convention)


_read: dict[tuple, Messages] = {}  # this process's, by folders, language, typography and files' stamps


def current_messages(locales_dirs: Sequence[Path], lang: str, convention: str = DEFAULT_CONVENTION) -> Messages:
    """`load_messages`, read once per process until a catalogue file changes: render workers
    outlive a build (`watch`, `serve`) and make both the brochures and the web pages."""
    key = (*locales_dirs, lang, convention, *(file_stamp(d / f"{lang}.po") for d in locales_dirs))
    if key not in _read:
        _read[key] = load_messages(locales_dirs, lang, convention)
    return _read[key]


def forget_messages() -> None:
    """Drop the layout text read so far: its files are about to change (a cluster worker)."""
    _read.clear()


def template_messages(template_dirs: Sequence[Path]) -> dict[str, tuple[Path, int]]:
    """Every layout message the templates use (and the kit's e-mail), with where it first appears.

    Read with Jinja2's Babel extractor, so that `check` finds catalogue gaps without rendering.
    """
    found: dict[str, tuple[Path, int]] = {}
    for text in URGENT_CALLS.values():  # added to the body by the HTML stage
        found[text] = (Path(__file__).with_name("callouts.py"), 1)
    for text in MAIL_MESSAGES:  # the e-mail that carries a patient's kit
        found[text] = (Path(__file__).with_name("mail_text.py"), 1)
    for template_dir in template_dirs:
        for path in sorted(template_dir.rglob("*.j2")):
            try:
                template = BytesIO(read_inside(path, [template_dir], TEMPLATE_BYTES))
            except FileRefused:
                continue  # reported when the template is used
            for line, _, message, _ in babel_extract(template, ("_", "gettext", "ngettext"), [], {}):
                for text in message if isinstance(message, tuple) else (message,):
                    if isinstance(text, str):
                        found.setdefault(text, (path, line))
    return found


def catalogue_gaps(messages: Messages, used: dict[str, tuple[Path, int]]) -> list[Problem]:
    """A problem for each message the templates use (`template_messages`) that this language's
    catalogue does not translate."""
    if messages.catalogue_path is None:
        return []
    return [
        Problem(messages.catalogue_path, f"no translation for layout text '{text}' "
                                         f"(used in {path.name}:{line}); add it to the catalogue")
        for text, (path, line) in used.items()
        if text not in messages.translations
    ]
