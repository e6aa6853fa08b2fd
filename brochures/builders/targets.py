"""The output folders of a build: `<out>` alone, or one folder per edition of `editions.yaml`,
each with the catalogue as that edition publishes it and its own build record.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from brochures.builders.cleanup import remove_other_layouts
from brochures.builders.plan import Options, Plan, plan
from brochures.builders.record import BuildRecord
from brochures.content.bundles import Bundles
from brochures.content.catalogue import Catalogue
from brochures.content.editions import EDITIONS_FILE, Edition, edition_catalogue, edition_folder, load_editions
from brochures.problems import ContentError, Problem, did_you_mean


@dataclass
class Target:
    """One output folder: the catalogue as it is built there, with its own build record.

    Without editions.yaml there is one, `<out>`; with it, one per edition, `<out>/<edition>`.
    """

    catalogue: Catalogue
    bundles: Bundles
    options: Options
    edition: Edition | None = None
    record: BuildRecord = field(default_factory=BuildRecord)
    planned: Plan | None = None  # its documents, once planned (the web edition lists them)
    failed_sources: set[Path] = field(default_factory=set)
    failed_documents: set[str] = field(default_factory=set)  # "<lang>/<name>" whose rendering failed now

    @property
    def prefix(self) -> str:
        """Before each job id in progress and the report: "north/" in an edition."""
        return f"{self.edition.id}/" if self.edition else ""


def targets(catalogue: Catalogue, bundles: Bundles, options: Options, chosen: tuple[str, ...],
             problems: list[Problem]) -> list[Target] | None:
    """The output folders to build; None when editions.yaml has errors (nothing is built)."""
    try:
        editions = load_editions(catalogue)
    except ContentError as exc:
        problems.extend(exc.problems)
        return None
    if editions is None:
        if chosen:
            problems.append(Problem(catalogue.content_dir / EDITIONS_FILE, "--edition needs editions.yaml, "
                                    "which names the editions of the catalogue"))
            return None
        remove_other_layouts(options, None, problems)
        return [Target(catalogue, bundles, options)]
    known = [edition.id for edition in editions]
    for edition_id in chosen:
        if edition_id not in known:
            problems.append(Problem(catalogue.content_dir / EDITIONS_FILE,
                                    f"unknown edition '{edition_id}' ({did_you_mean(edition_id, known)})"))
    if any(edition_id not in known for edition_id in chosen):
        return None
    remove_other_layouts(options, known, problems)
    plan(catalogue, bundles, options, problems)  # names on the command line, checked once for all editions
    targets = []
    for edition in editions:
        if chosen and edition.id not in chosen:
            continue
        published = edition_catalogue(catalogue, edition)
        langs = tuple(lang for lang in options.langs if lang in published.site.languages)
        topics = tuple(topic for topic in options.topics if topic in published.topics)
        if (options.langs and not langs) or (options.topics and not topics and not options.bundles):
            continue  # this edition publishes none of what was asked for
        kept = replace(bundles, valid=tuple(b for b in bundles.valid if set(b.topics) <= set(published.topics)))
        targets.append(Target(published, kept, replace(options, out_dir=edition_folder(options.out_dir, edition),
                                                       langs=langs, topics=topics), edition))
    return targets
