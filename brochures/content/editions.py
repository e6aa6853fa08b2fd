"""Load `<content>/editions.yaml`: one catalogue published under several names.

A regional network prints the same topics for each of its hospitals and clinics, each with its
own name, phone number, address and logo. Each edition overrides the site settings that differ
and may publish a subset of the topics and languages; it is checked like `site.yaml`, and an
error in it stops the build, since a wrong phone number must not be printed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from pathlib import Path

from brochures.content.catalogue import Catalogue
from brochures.content.schema import TOPIC_ID_RE, Mapping, as_list, parse_mapping, read_text
from brochures.content.settings import EDITION_SETTINGS, SETTINGS_BYTES, Site, override_site
from brochures.problems import ContentError, did_you_mean

EDITIONS_FILE = "editions.yaml"
EDITION_KEYS = (*EDITION_SETTINGS, "topics", "languages")
WHAT = "editions"


@dataclass(frozen=True)
class Edition:
    id: str  # also its folder under <out>
    site: Site  # site.yaml with this edition's settings
    topics: tuple[str, ...] | None  # None: every topic
    settings_key: str  # hash of what this edition says, so that only its own changes rebuild it
    line: int


def load_editions(catalogue: Catalogue) -> tuple[Edition, ...] | None:
    """The editions in file order; None when there is no editions.yaml (one unnamed catalogue).

    Raises `ContentError` with every problem found.
    """
    path = catalogue.content_dir / EDITIONS_FILE
    if not path.is_file():
        return None
    mapping = parse_mapping(read_text(path, catalogue.content_dir, SETTINGS_BYTES), path, 1, WHAT,
                            catalogue.site.limits.value_chars)
    if not mapping.data:
        mapping.error("", f"{WHAT}: name at least one edition, or remove {EDITIONS_FILE}")
    editions = [edition for edition_id in mapping.data
                if (edition := _edition(mapping, edition_id, catalogue)) is not None]
    if mapping.problems:
        raise ContentError(*mapping.problems)
    return tuple(editions)


def is_edition_id(text: str) -> bool:
    """Lowercase letters, digits and hyphens: an edition id names a folder inside `--out`."""
    return TOPIC_ID_RE.match(text) is not None


def _edition(mapping: Mapping, edition_id: str, catalogue: Catalogue) -> Edition | None:
    what = f"{WHAT}: edition '{edition_id}'"
    if not is_edition_id(edition_id):
        mapping.error(edition_id, f"{what}: edition ids use lowercase letters, digits and hyphens "
                                  "(they name its output folder)")
        return None
    if mapping.data[edition_id] is None:
        settings = Mapping(mapping.path, {}, {}, mapping.line_of(edition_id), mapping.problems)
    else:
        found = mapping.child(edition_id)
        if found is None:
            mapping.error(edition_id, f"{what}: expected settings under it ('phone: ...', 'topics: [...]')")
            return None
        settings = found
    settings.check_keys(EDITION_KEYS, what)
    site = override_site(catalogue.site, settings, what, catalogue.content_dir)
    languages = _subset(settings, "languages", what, catalogue.site.languages, "site language")
    if languages is not None:
        site = replace(site, languages=languages)
    topics = _subset(settings, "topics", what, tuple(catalogue.topics), "topic")
    digest = hashlib.sha256(json.dumps(settings.data, sort_keys=True, default=str).encode("utf-8")).hexdigest()
    return Edition(edition_id, site, topics, digest, mapping.line_of(edition_id))


def _subset(settings: Mapping, key: str, what: str, known: tuple[str, ...], noun: str) -> tuple[str, ...] | None:
    """The listed names, each checked against `known`, in `known`'s order; None when not given."""
    if key not in settings.data:
        return None
    chosen = set()
    values = as_list(settings, key, what)
    for value in values:
        if not isinstance(value, str) or value not in known:
            settings.error(key, f"{what}: unknown {noun} '{value}' in '{key}' ({did_you_mean(str(value), known)})")
        else:
            chosen.add(value)
    if not values and isinstance(settings.data[key], list):
        settings.error(key, f"{what}: '{key}' must list at least one {noun}")
    return tuple(name for name in known if name in chosen)


def edition_catalogue(catalogue: Catalogue, edition: Edition) -> Catalogue:
    """The catalogue as this edition publishes it: its settings, its topics.

    Related topics the edition does not publish are left out of its brochures.
    """
    topics = catalogue.topics if edition.topics is None else \
        {topic_id: topic for topic_id, topic in catalogue.topics.items() if topic_id in edition.topics}
    return replace(catalogue, site=edition.site, topics=topics)


def edition_folder(out_dir: Path, edition: Edition) -> Path:
    return out_dir / edition.id
