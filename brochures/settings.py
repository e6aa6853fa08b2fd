"""Load `<content>/site.yaml` into frozen `Site` settings; defaults apply when it is absent."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .problems import ContentError
from .typography import CONVENTIONS, DEFAULT_CONVENTION
from .schema import LANG_RE, TERM_RE, Mapping, as_list, is_web_url, parse_mapping, read_text

PAPER_SIZES = ("letter", "a4")
DEFAULT_LANGUAGES = ("en", "fr")
SITE_KEYS = ("organisation", "phone", "website", "paper", "languages",
             "typography", "source_language", "no_hyphenation")


@dataclass(frozen=True)
class Site:
    """Settings shared by every brochure of a catalogue."""

    organisation: tuple[tuple[str, str], ...] = ()  # (lang, name); lang "" is for every language
    phone: str | None = None
    website: str | None = None
    paper: str = "letter"
    languages: tuple[str, ...] = DEFAULT_LANGUAGES
    typography: str = DEFAULT_CONVENTION  # French convention: fr-CA (OQLF) or fr-FR
    source_language: str = "en"  # the language topics are written in first, unless a topic says otherwise
    no_hyphenation: tuple[str, ...] = ()  # names of medicines and other terms printed whole

    def organisation_for(self, lang: str) -> str | None:
        names = dict(self.organisation)
        return names.get(lang) or names.get("")


def load_site(content_dir: Path) -> Site:
    """Read the optional site settings; every problem in them is reported at once."""
    path = content_dir / "site.yaml"
    if not path.is_file():
        return Site()
    what = "site settings"
    mapping = parse_mapping(read_text(path), path, 1, what)
    mapping.check_keys(SITE_KEYS, what)

    languages = _languages(mapping, what)
    site = Site(
        organisation=_organisation(mapping, what, languages),
        phone=mapping.text("phone", what),
        website=_website(mapping, what),
        paper=_paper(mapping, what),
        languages=languages,
        typography=_typography(mapping, what),
        source_language=_source_language(mapping, what),
        no_hyphenation=_no_hyphenation(mapping, what),
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


def _organisation(mapping: Mapping, what: str, languages: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    value = mapping.data.get("organisation")
    if value is None:
        return ()
    if isinstance(value, dict):
        names = []
        for lang, name in value.items():
            if lang not in languages:
                mapping.error(
                    "organisation",
                    f"{what}: organisation name for '{lang}', which is not in languages ({', '.join(languages)})",
                )
            elif not isinstance(name, str) or not name.strip():
                mapping.error("organisation", f"{what}: organisation name for '{lang}' must be text")
            else:
                names.append((lang, name.strip()))
        return tuple(names)
    name = mapping.text("organisation", what)
    return (("", name),) if name else ()


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


def _typography(mapping: Mapping, what: str) -> str:
    value = mapping.text("typography", what) or DEFAULT_CONVENTION
    if value not in CONVENTIONS:
        mapping.error("typography", f"{what}: 'typography' must be one of {', '.join(CONVENTIONS)}, got '{value}'")
        return DEFAULT_CONVENTION
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
