"""A kit for one patient, as asked for: which topics, in which language, and the personal part
of its cover letter, checked against the catalogue before anything renders.

The same checks serve the `kit` command and the preview's kit page. The personal part (name,
appointment, place, direct line, note) is plain text kept in memory only: no problem line
ever repeats it, since problem lines end up in terminals, logs and screenshots. Each problem
starts with the option it is about (`--note: ...`), which the preview maps to its form field.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass

from brochures.content.bundles import Bundles
from brochures.content.catalogue import Catalogue
from brochures.content.frontmatter import Translation
from brochures.problems import ContentError, Problem, did_you_mean

NOTE_CHARS = 600
NOTE_LINES = 12  # a note of 600 line breaks would fill pages with nothing
NAME_CHARS = 100
PLACE_CHARS = 200
PHONE_CHARS = 40
APPOINTMENT_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})$")
PHONE_RE = re.compile(r"^\+?[0-9 ().-]+$")
PHONE_DIGITS = (7, 15)


class RequestError(ContentError):
    """The request itself is wrong (an unknown topic, a date that is none...): nothing rendered."""


@dataclass(frozen=True)
class KitForm:
    """What the user typed, as text, from the command line or the preview's form."""

    topics: tuple[str, ...] = ()
    bundle: str = ""
    lang: str = ""
    patient_name: str = ""
    appointment: str = ""  # YYYY-MM-DD HH:MM (or the HTML form's YYYY-MM-DDTHH:MM)
    place: str = ""
    direct_line: str = ""  # empty: the site's phone
    note: str = ""


@dataclass(frozen=True)
class Personal:
    """The personal part of the cover letter, checked; printed as written, never as markup."""

    patient_name: str | None = None
    appointment: datetime.datetime | None = None
    place: str | None = None
    direct_line: str | None = None
    note: str | None = None

    def texts(self) -> dict[str, str]:
        """The option each printed text came from → the text (to check that it can be printed)."""
        found = {"--patient-name": self.patient_name, "--place": self.place, "--direct-line": self.direct_line,
                 "--note": self.note}
        return {option: text for option, text in found.items() if text}


@dataclass(frozen=True)
class KitRequest:
    lang: str
    translations: tuple[Translation, ...]
    personal: Personal


def read_request(form: KitForm, catalogue: Catalogue, bundles: Bundles) -> KitRequest:
    """The request checked against the catalogue; every mistake at once as a `RequestError`."""
    problems: list[Problem] = []
    site = catalogue.site
    lang = form.lang or site.languages[0]
    if lang not in site.languages:
        problems.append(Problem(None, f"--lang: unknown language '{lang}'; the site languages are "
                                      f"{', '.join(site.languages)} (site.yaml 'languages')"))
    topic_ids = list(_bundle_topics(form.bundle, bundles, problems)) if form.bundle else []
    for topic_id in form.topics:
        if topic_id not in catalogue.topics:
            problems.append(Problem(None, f"unknown topic '{topic_id}' ({did_you_mean(topic_id, catalogue.topics)})"))
        elif topic_id not in topic_ids:
            topic_ids.append(topic_id)
    if not form.topics and not form.bundle:
        problems.append(Problem(None, "name at least one topic, or a bundle with --bundle ID"))
    translations = []
    for topic_id in topic_ids:
        topic = catalogue.topics[topic_id]
        if lang not in site.languages:
            continue
        if lang in topic.translations:
            translations.append(topic.translations[lang])
        elif (topic.folder / f"{lang}.md").exists():
            problems.extend(p for p in catalogue.problems if p.path == topic.folder / f"{lang}.md")
        else:
            have = ", ".join(sorted(topic.translations)) or "none"
            problems.append(Problem(topic.folder / f"{lang}.md", f"--lang: topic '{topic_id}' has no '{lang}' "
                                                                 f"version (it has: {have}); choose another language"))
    personal = _personal(form, site.phone, problems)
    if problems:
        raise RequestError(*problems)
    return KitRequest(lang, tuple(translations), personal)


def _bundle_topics(bundle_id: str, bundles: Bundles, problems: list[Problem]) -> tuple[str, ...]:
    found = next((b for b in bundles.valid if b.id == bundle_id), None)
    if found is not None:
        return found.topics
    if bundle_id in bundles.declared:  # declared but broken: its own problems say why
        problems.extend(p for p in bundles.problems if f"'{bundle_id}'" in p.message)
    else:
        problems.append(Problem(None, f"--bundle: unknown bundle '{bundle_id}' "
                                      f"({did_you_mean(bundle_id, bundles.declared)})"))
    return ()


def _personal(form: KitForm, site_phone: str | None, problems: list[Problem]) -> Personal:
    def text(option: str, value: str, limit: int, lines: int = 1) -> str | None:
        value = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n")).strip()
        if not value:
            return None
        if len(value) > limit:
            problems.append(Problem(None, f"{option}: {len(value)} characters, over the limit of {limit}; "
                                          "shorten it"))
        if any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") and c not in "\n\t" for c in value) or (
                lines == 1 and "\n" in value):
            problems.append(Problem(None, f"{option}: write plain text{' on one line' if lines == 1 else ''}, "
                                          "without control characters"))
        elif value.count("\n") >= lines:
            problems.append(Problem(None, f"{option}: {value.count(chr(10)) + 1} lines, over the limit of "
                                          f"{lines}; join some lines"))
        return value

    direct_line = text("--direct-line", form.direct_line, PHONE_CHARS) or site_phone
    if form.direct_line.strip() and direct_line and not _is_phone(direct_line):
        problems.append(Problem(None, "--direct-line: write a phone number: digits, spaces and + - ( ) . only, "
                                      f"{PHONE_DIGITS[0]} to {PHONE_DIGITS[1]} digits"))
    return Personal(
        patient_name=text("--patient-name", form.patient_name, NAME_CHARS),
        appointment=_appointment(form.appointment.strip(), problems),
        place=text("--place", form.place, PLACE_CHARS),
        direct_line=direct_line,
        note=text("--note", form.note, NOTE_CHARS, NOTE_LINES),
    )


def _is_phone(text: str) -> bool:
    digits = sum(c.isdigit() for c in text)
    return bool(PHONE_RE.match(text)) and PHONE_DIGITS[0] <= digits <= PHONE_DIGITS[1]


def _appointment(text: str, problems: list[Problem]) -> datetime.datetime | None:
    """The appointment's date and time; a mistake is reported without repeating what was typed."""
    if not text:
        return None
    match = APPOINTMENT_RE.match(text)
    try:
        if match is None:
            raise ValueError
        return datetime.datetime(*map(int, match.groups()))
    except ValueError:
        problems.append(Problem(None, "--appointment: write a real date and time as YYYY-MM-DD HH:MM "
                                      "(for example 2026-03-14 09:30)"))
        return None
