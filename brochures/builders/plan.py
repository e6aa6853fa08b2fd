"""Plan the documents of a build: which topics and bundles, in which languages and variant.

Nothing named on the command line means everything; a name that matches nothing is reported.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path

from brochures.content.bundles import Bundles, bundle_problems_for
from brochures.content.catalogue import Catalogue
from brochures.content.frontmatter import Translation
from brochures.content.review import build_date
from brochures.pdf.variants import Variant
from brochures.problems import Problem, did_you_mean

LAYOUTS = ("normal", "booklet")


@dataclass(frozen=True)
class Options:
    content_dir: Path
    out_dir: Path
    topics: tuple[str, ...] = ()
    bundles: tuple[str, ...] = ()
    langs: tuple[str, ...] = ()
    paper: str | None = None  # None: the site's paper
    layout: str = "normal"
    large_print: bool = False
    print_marks: bool = False
    write_html: bool = False  # the print HTML beside each PDF, as <name>.print.html
    web: bool = True  # the web edition (web/, builders/website.py)
    strict: bool = False  # stale or orphaned translations and overdue reviews are errors, not warnings
    today: datetime.date = field(default_factory=build_date)  # for the review age only, not the output


@dataclass(frozen=True)
class Job:
    """One document in one language: a topic, or a bundle of topics."""

    name: str  # path under <out>/<lang>/ without suffix: "immunotherapy", "bundles/kit"
    lang: str
    template: str
    translations: tuple[Translation, ...]
    title: str
    summary: str | None
    src_path: Path  # the file problems are reported against


def variant_for(options: Options, catalogue: Catalogue) -> Variant:
    return Variant(paper=options.paper or catalogue.site.paper, large_print=options.large_print,
                   print_marks=options.print_marks)


@dataclass(frozen=True)
class Plan:
    jobs: tuple[Job, ...]
    unbuildable: dict[str, str]  # "<lang>/<name>" → why it cannot be built (its file has errors)


def plan(catalogue: Catalogue, bundles: Bundles, options: Options, problems: list[Problem]) -> Plan:
    """The documents to build, in a stable order; unknown names are reported.

    Nothing named: every topic and every bundle. Topics named: those; bundles named: those.
    """
    site_langs = catalogue.site.languages
    for lang in options.langs:
        if lang not in site_langs:
            problems.append(Problem(None, f"unknown language '{lang}'; the site languages are "
                                          f"{', '.join(site_langs)} (site.yaml 'languages')"))
    for topic_id in options.topics:
        if topic_id not in catalogue.topics:
            problems.append(Problem(None, f"unknown topic '{topic_id}' "
                                          f"({did_you_mean(topic_id, catalogue.topics)})"))
    for bundle_id in options.bundles:
        if bundle_id not in bundles.declared:
            problems.append(Problem(catalogue.content_dir / "bundles.yaml", f"unknown bundle '{bundle_id}' "
                                    f"({did_you_mean(bundle_id, bundles.declared)})"))
    langs = [lang for lang in site_langs if not options.langs or lang in options.langs]
    everything = not options.topics and not options.bundles
    topic_ids = [t for t in catalogue.topics if everything or t in options.topics]
    chosen_bundles = [b for b in bundles.valid if everything or b.id in options.bundles]

    jobs: list[Job] = []
    unbuildable: dict[str, str] = {}
    for topic_id in topic_ids:
        topic = catalogue.topics[topic_id]
        for lang in langs:
            translation = topic.translations.get(lang)
            if translation is not None:
                jobs.append(Job(topic_id, lang, "brochure.html.j2", (translation,), translation.title,
                                translation.summary, translation.src_path))
            elif (topic.folder / f"{lang}.md").exists():
                unbuildable[f"{lang}/{topic_id}"] = f"{topic_id}/{lang}.md has errors"
            else:
                explicit = bool(options.topics and options.langs)
                problems.append(Problem(
                    topic.folder / f"{lang}.md",
                    f"missing translation: topic '{topic_id}' has no {lang}.md, so no '{lang}' brochure",
                    severity="error" if explicit else "warning",
                ))
    for bundle in chosen_bundles:
        for lang in langs:
            missing = bundle_problems_for(bundle, catalogue, lang)
            if missing:
                problems.extend(missing)
                unbuildable[f"{lang}/bundles/{bundle.id}"] = missing[0].message
                continue
            translations = tuple(catalogue.topics[t].translations[lang] for t in bundle.topics)
            jobs.append(Job(f"bundles/{bundle.id}", lang, "bundle.html.j2", translations, bundle.titles[lang],
                            " · ".join(t.title for t in translations), bundle.src_path))
    return Plan(tuple(jobs), unbuildable)
