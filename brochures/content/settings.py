"""Load `<content>/site.yaml` into frozen `Site` settings; defaults apply when it is absent."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from pathlib import Path

from brochures.content.branding import Branding, read_colors, read_email, read_logo
from brochures.content.limits import DEFAULT_LIMITS, Limits, read_limits
from brochures.content.mail_settings import MailSettings, read_mail
from brochures.content.schema import (
    LANG_RE,
    TERM_RE,
    Mapping,
    as_list,
    is_web_url,
    parse_mapping,
    read_text,
)
from brochures.content.status import REVIEW_MONTHS
from brochures.problems import ContentError

PAPER_SIZES = ("letter", "a4")
# French typographic conventions (html/typography.py says what each does).
CONVENTIONS = ("fr-CA", "fr-FR")
DEFAULT_CONVENTION = "fr-CA"
DEFAULT_LANGUAGES = ("en", "fr")
SITE_KEYS = ("organisation", "phone", "website", "paper", "languages",
             "mail_limit", "logo", "colors", "address", "email", "hours", "online_url", "web_address",
             "readability", "typography", "source_language", "no_hyphenation", "review_months", "limits",
             "hyphenation", "mail")
# Clear Print: no word is ever split ("none"); "long-words" lets words of 12 letters or more break.
HYPHENATION = ("none", "long-words")
ONLINE_URL_FIELDS = ("{lang}", "{topic}")
READABILITY_TARGETS = {"grade": 8.0, "kandel_moles": 60.0}  # English grade at most; French score at least
Localized = tuple[tuple[str, str], ...]  # (lang, text); lang "" is for every language
MAIL_LIMIT = 5 * 1024 * 1024  # what most mail servers accept once attachments are encoded
SETTINGS_BYTES = 256 * 1024  # site.yaml and bundles.yaml: a few KB in practice
SIZE_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(KB|MB)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Site:
    """Settings shared by every brochure of a catalogue."""

    organisation: tuple[tuple[str, str], ...] = ()  # (lang, name); lang "" is for every language
    phone: str | None = None
    website: str | None = None
    paper: str = "letter"
    languages: tuple[str, ...] = DEFAULT_LANGUAGES
    mail_limit: int = MAIL_LIMIT  # bytes; a bigger PDF is a warning
    branding: Branding = Branding()
    address: Localized = ()
    email: str | None = None
    hours: Localized = ()
    online_url: str | None = None  # pattern with {lang} and {topic}
    web_address: str | None = None  # where the output folder is published, ending in /
    readability: tuple[tuple[str, float], ...] = tuple(READABILITY_TARGETS.items())
    typography: str = DEFAULT_CONVENTION  # French convention: fr-CA (OQLF) or fr-FR
    source_language: str = "en"  # the language topics are written in first, unless a topic says otherwise
    no_hyphenation: tuple[str, ...] = ()  # names of medicines and other terms printed whole
    review_months: int = REVIEW_MONTHS  # an approved text is due for review this long after 'reviewed'
    limits: Limits = DEFAULT_LIMITS  # on the work one document may cause (limits.py)
    hyphenation: str = "none"  # or "long-words"; names of medicines are never hyphenated
    mail: MailSettings | None = None  # the clinic's mail server, for `kit --send` (mail_settings.py)

    def organisation_for(self, lang: str) -> str | None:
        return text_for(self.organisation, lang)

    def online_url_for(self, lang: str, topic_id: str) -> str | None:
        """`online_url` filled by plain replacement (`str.format` would obey fields in it), else
        the topic's page in the web edition published at `web_address`."""
        if self.online_url is None:
            return f"{self.web_address}{lang}/{topic_id}/" if self.web_address else None
        return self.online_url.replace("{lang}", lang).replace("{topic}", topic_id)


def text_for(values: Localized, lang: str) -> str | None:
    texts = dict(values)
    return texts.get(lang) or texts.get("")


def load_site(content_dir: Path) -> Site:
    """Read the optional site settings; every problem in them is reported at once."""
    path = content_dir / "site.yaml"
    if not os.path.lexists(path):
        return Site()
    what = "site settings"
    mapping = parse_mapping(read_text(path, content_dir, SETTINGS_BYTES), path, 1, what)
    mapping.check_keys(SITE_KEYS, what)
    limits, limit_errors = read_limits(mapping.data.get("limits"))
    for message in limit_errors:
        mapping.error("limits", f"{what}: {message}")

    languages = _languages(mapping, what)
    site = Site(
        organisation=_localized(mapping, "organisation", what, languages),
        phone=mapping.text("phone", what),
        website=_website(mapping, what),
        paper=_paper(mapping, what),
        languages=languages,
        mail_limit=_mail_limit(mapping, what),
        branding=Branding(read_logo(mapping, what, content_dir), read_colors(mapping, what)),
        address=_localized(mapping, "address", what, languages),
        email=read_email(mapping, what),
        hours=_localized(mapping, "hours", what, languages),
        online_url=_online_url(mapping, what),
        web_address=_web_address(mapping, what),
        readability=_readability(mapping, what),
        typography=_typography(mapping, what),
        source_language=_source_language(mapping, what),
        no_hyphenation=_no_hyphenation(mapping, what),
        hyphenation=_hyphenation(mapping, what),
        review_months=_review_months(mapping, what),
        limits=limits,
        mail=read_mail(mapping, what, content_dir),
    )
    if mapping.problems:
        raise ContentError(*mapping.problems)
    return site


def _languages(mapping: Mapping, what: str) -> tuple[str, ...]:
    if "languages" not in mapping.data:
        return DEFAULT_LANGUAGES
    values = as_list(mapping, "languages", what)
    langs: list[str] = []
    for value in values:
        if not isinstance(value, str) or not LANG_RE.match(value):
            mapping.error("languages", f"{what}: '{value}' is not a language code such as en or fr")
        elif value not in langs:
            langs.append(value)
    if not langs and not mapping.problems:
        mapping.error("languages", f"{what}: 'languages' must name at least one language")
    return tuple(langs) or DEFAULT_LANGUAGES


def _localized(mapping: Mapping, key: str, what: str, languages: tuple[str, ...]) -> Localized:
    """Text for every language, or one text per language (`en: ...`, `fr: ...`)."""
    value = mapping.data.get(key)
    if value is None:
        return ()
    if isinstance(value, dict):
        texts = []
        for lang, text in value.items():
            if lang not in languages:
                mapping.error(key, f"{what}: '{key}' for '{lang}', which is not in languages ({', '.join(languages)})")
            elif not isinstance(text, str) or not text.strip():
                mapping.error(key, f"{what}: '{key}' for '{lang}' must be text")
            else:
                texts.append((lang, text.strip()))
        return tuple(texts)
    text = mapping.text(key, what)
    return (("", text),) if text else ()


def _website(mapping: Mapping, what: str) -> str | None:
    website = mapping.text("website", what)
    if website and not is_web_url(website):
        mapping.error("website", f"{what}: 'website' must start with https:// or http://")
        return None
    return website


def _paper(mapping: Mapping, what: str) -> str:
    paper = mapping.text("paper", what) or "letter"
    if paper.lower() not in PAPER_SIZES:
        mapping.error("paper", f"{what}: 'paper' must be one of {', '.join(PAPER_SIZES)}, got '{paper}'")
        return "letter"
    return paper.lower()


def _mail_limit(mapping: Mapping, what: str) -> int:
    text = mapping.text("mail_limit", what)
    if text is None:
        return MAIL_LIMIT
    match = SIZE_RE.match(text)
    if not match or float(match.group(1)) <= 0:
        mapping.error("mail_limit", f"{what}: 'mail_limit' must be a size such as 5 MB or 800 KB, got '{text}'")
        return MAIL_LIMIT
    return round(float(match.group(1)) * (1024 if match.group(2).upper() == "KB" else 1024 * 1024))


def format_size(size: int) -> str:
    """Sizes as mail programs show them: 23 KB, 4.8 MB."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def _online_url(mapping: Mapping, what: str) -> str | None:
    url = mapping.text("online_url", what)
    if url is None:
        return None
    unknown = set(re.findall(r"\{[^}]*\}", url)) - set(ONLINE_URL_FIELDS)
    if not url.lower().startswith("https://") or not is_web_url(url):
        mapping.error("online_url", f"{what}: 'online_url' must start with https://")
    elif unknown or "{topic}" not in url:
        mapping.error("online_url", f"{what}: 'online_url' must contain {{topic}} (and may contain {{lang}}); "
                                    f"nothing else in braces, got '{url}'")
    else:
        return url
    return None


def _web_address(mapping: Mapping, what: str) -> str | None:
    """The published folder's address; a trailing / is added so pages are found under it."""
    url = mapping.text("web_address", what)
    if url is None:
        return None
    if not url.lower().startswith("https://") or not is_web_url(url) or any(c in url for c in "?#{}"):
        mapping.error("web_address", f"{what}: 'web_address' must be an https:// address without ? # or braces, "
                                     f"such as https://example.org/brochures/")
        return None
    return url if url.endswith("/") else url + "/"


def _readability(mapping: Mapping, what: str) -> tuple[tuple[str, float], ...]:
    value = mapping.data.get("readability")
    targets = dict(READABILITY_TARGETS)
    if value is None:
        return tuple(targets.items())
    if not isinstance(value, dict):
        mapping.error("readability", f"{what}: 'readability' must be a mapping such as 'grade: 8'")
        return tuple(targets.items())
    for name, target in value.items():
        if name not in targets:
            mapping.error("readability", f"{what}: unknown readability target '{name}' "
                                         f"(known: {', '.join(READABILITY_TARGETS)})")
        elif isinstance(target, bool) or not isinstance(target, (int, float)):
            mapping.error("readability", f"{what}: readability target '{name}' must be a number")
        else:
            targets[name] = float(target)
    return tuple(targets.items())
def _typography(mapping: Mapping, what: str) -> str:
    value = mapping.text("typography", what) or DEFAULT_CONVENTION
    if value not in CONVENTIONS:
        mapping.error("typography", f"{what}: 'typography' must be one of {', '.join(CONVENTIONS)}, got '{value}'")
        return DEFAULT_CONVENTION
    return value


def _hyphenation(mapping: Mapping, what: str) -> str:
    value = mapping.text("hyphenation", what) or "none"
    if value not in HYPHENATION:
        mapping.error("hyphenation", f"{what}: 'hyphenation' must be one of {', '.join(HYPHENATION)}, got '{value}'")
        return "none"
    return value


def _source_language(mapping: Mapping, what: str) -> str:
    value = mapping.text("source_language", what) or "en"
    if not LANG_RE.match(value):
        mapping.error("source_language", f"{what}: 'source_language' must be a language code such as en or fr")
        return "en"
    return value


def _no_hyphenation(mapping: Mapping, what: str) -> tuple[str, ...]:
    terms = []
    for value in as_list(mapping, "no_hyphenation", what):
        if not isinstance(value, str) or not TERM_RE.match(value.strip()):
            mapping.error("no_hyphenation", f"{what}: no_hyphenation: '{value}' must be one word "
                                            "(letters, digits, hyphens), e.g. pembrolizumab")
        else:
            terms.append(value.strip())
    return tuple(terms)


def _review_months(mapping: Mapping, what: str) -> int:
    value = mapping.data.get("review_months", REVIEW_MONTHS)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 120:
        mapping.error("review_months", f"{what}: 'review_months' must be a whole number of months "
                                       f"from 1 to 120, got '{value}'")
        return REVIEW_MONTHS
    return value


# What an edition of the catalogue (editions.yaml) may set differently from site.yaml.
EDITION_SETTINGS = ("organisation", "phone", "address", "email", "hours", "website", "logo", "colors",
                    "online_url")


def override_site(site: Site, mapping: Mapping, what: str, content_dir: Path) -> Site:
    """`site` with the settings `mapping` gives, checked as in site.yaml; problems go to `mapping`.

    Colours are merged by name, so an edition may change only its accent colour.
    """
    given = set(mapping.data) & set(EDITION_SETTINGS)
    changes: dict[str, object] = {}
    for key in ("organisation", "address", "hours"):
        if key in given:
            changes[key] = _localized(mapping, key, what, site.languages)
    if "phone" in given:
        changes["phone"] = mapping.text("phone", what)
    if "email" in given:
        changes["email"] = read_email(mapping, what)
    if "website" in given:
        changes["website"] = _website(mapping, what)
    if "online_url" in given:
        changes["online_url"] = _online_url(mapping, what)
    if "logo" in given or "colors" in given:
        logo = read_logo(mapping, what, content_dir) if "logo" in given else site.branding.logo
        colors = dict(site.branding.colors) | dict(read_colors(mapping, what))
        changes["branding"] = Branding(logo, tuple(colors.items()))
    return replace(site, **changes)
