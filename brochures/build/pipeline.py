"""Run a build: load the catalogue, plan the documents, render what changed, record and report.

Data flows one way: catalogue → jobs → (fingerprint: skip what is current) → render, in worker
processes when there are several jobs → record. A problem in one document never stops the
others; a failed document keeps its previous file; an interrupted build leaves no partial file
and a record that matches the disk, so the next build finishes the job.
"""

from __future__ import annotations

import os
import stat
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterator

from brochures.build.budget import limit_reached, task_budget
from brochures.build.head_start import render_and_write
from brochures.build.plan import Job, Options, Plan, plan, variant_for
from brochures.build.record import (
    RECORD_NAME,
    BuildRecord,
    Entry,
    Fingerprint,
    Hasher,
    fingerprint,
    job_id,
    output_path,
)
from brochures.build.tasks import print_html_path
from brochures.build.website import build_web, web_documents
from brochures.build.work import JobResult, Output, Task
from brochures.build.workers import Failure, shared_pool
from brochures.content.bundles import Bundles, load_bundles
from brochures.content.catalogue import Catalogue, load_catalogue
from brochures.content.editions import EDITIONS_FILE, Edition, edition_catalogue, edition_folder, load_editions
from brochures.content.review import overdue_problems
from brochures.content.sync import sync_problems
from brochures.files import is_partial_file
from brochures.problems import ContentError, Problem, did_you_mean, has_errors

# The record is saved after the first document, at the end, and every few seconds on the way: a build
# killed outright (SIGKILL, power cut) then loses at most that much work. Saving it after every
# document rewrote the whole record each time, which grows with the catalogue (quadratic in all).
RECORD_EVERY = 5.0  # seconds
Progress = Callable[[str, str, str], None]  # (event, job id, detail): "start", "rendered", ...


@dataclass
class BuildResult:
    outputs: list[Output] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rendered: list[str] = field(default_factory=list)  # job ids
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # file paths under <out>
    failed: dict[str, str] = field(default_factory=dict)  # job id → first reason
    web: list[Output] = field(default_factory=list)  # files of the web edition written
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not has_errors(self.problems)


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

    @property
    def prefix(self) -> str:
        """Before each job id in progress and the report: "north/" in an edition."""
        return f"{self.edition.id}/" if self.edition else ""


def build(options: Options, force: bool = False, jobs: int = 1, progress: Progress | None = None,
          scheduler: str | None = None, editions: tuple[str, ...] = ()) -> BuildResult:
    """Bring `<out>` up to date with the content; `force` renders everything again.

    `scheduler`: the address of a Dask scheduler whose workers render, instead of `jobs` local
    processes. `editions`: only these editions of editions.yaml (default: all).
    """
    started = time.monotonic()
    result = BuildResult()
    notify = progress or (lambda event, name, detail: None)
    try:
        catalogue = load_catalogue(options.content_dir)
    except ContentError as exc:
        result.problems.extend(exc.problems)
        return result
    result.problems.extend(catalogue.problems)
    site_yaml = options.content_dir / "site.yaml"
    if any(p.path == site_yaml and p.severity == "error" for p in catalogue.problems):
        return result  # wrong settings would print a wrong phone number on every brochure

    bundles = load_bundles(catalogue)
    result.problems.extend(bundles.problems)
    targets = _targets(catalogue, bundles, options, editions, result.problems)
    if targets is None:
        return result
    hasher = Hasher()
    todo: list[tuple[Target, str, Task, Fingerprint]] = []
    for target in targets:
        todo += _plan_target(target, force, hasher, result, notify)

    finished: dict[int, list[Output]] = {}
    saved = float("-inf")  # the first finished document is recorded at once
    try:
        for index, job_result in _run([task for _, _, task, _ in todo], jobs, scheduler):
            target, identity, task, stamp = todo[index]
            result.problems.extend(job_result.problems)
            if not job_result.outputs or has_errors(job_result.problems):
                result.failed[target.prefix + identity] = next(
                    (p.message for p in job_result.problems if p.severity == "error"), "not rendered")
                notify("failed", target.prefix + identity, result.failed[target.prefix + identity])
                continue
            finished[index] = job_result.outputs
            target.record.entries[identity] = _entry(task.job, stamp, job_result.outputs, target.options.out_dir)
            if time.monotonic() - saved > RECORD_EVERY:
                _save_records(finished, todo, result)
                saved = time.monotonic()
            notify("rendered", target.prefix + identity,
                   "\n".join(output.describe() for output in job_result.outputs))
    finally:  # also when interrupted: the record lists every file that was finished
        _save_records(finished, todo, result)
    for index in sorted(finished):  # plan order, however the workers finished
        target, identity, _, _ = todo[index]
        result.rendered.append(target.prefix + identity)
        result.outputs.extend(finished[index])
    for target in targets:
        if target.options.web and target.planned is not None:
            planned = target.planned
            failed_docs = {f"{job.lang}/{job.name}" for job in planned.jobs
                           if any(t.src_path in target.failed_sources for t in job.translations)}
            web, web_problems = build_web(target.catalogue, target.bundles, planned.jobs,
                                          failed_docs | set(planned.unbuildable), target.options, target.record,
                                          force, notify)
            result.web += web
            result.problems.extend(web_problems)
    result.problems = list(dict.fromkeys(result.problems))  # editions find the same problems again
    result.seconds = time.monotonic() - started
    return result


def _targets(catalogue: Catalogue, bundles: Bundles, options: Options, chosen: tuple[str, ...],
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
        _remove_other_layouts(options, None, problems)
        return [Target(catalogue, bundles, options)]
    known = [edition.id for edition in editions]
    for edition_id in chosen:
        if edition_id not in known:
            problems.append(Problem(catalogue.content_dir / EDITIONS_FILE,
                                    f"unknown edition '{edition_id}' ({did_you_mean(edition_id, known)})"))
    if any(edition_id not in known for edition_id in chosen):
        return None
    _remove_other_layouts(options, known, problems)
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


def _remove_other_layouts(options: Options, editions: list[str] | None, problems: list[Problem]) -> None:
    """Outputs laid out for editions.yaml as it was: with editions, the files built before it at the
    top of `<out>`; the folders of editions it no longer names (all of them once it is gone).

    Only what a record of this content folder names, and a folder's record only when it says it
    holds that edition: a build of the same content into a subfolder of `<out>` is left alone.
    """
    out_dir, content_dir = options.out_dir, options.content_dir
    if not out_dir.is_dir():
        return
    top = BuildRecord.load(out_dir)
    if editions is not None and top.entries and top.edition is None and top.belongs_to(content_dir):
        _remove_recorded(out_dir, top)
        problems.append(Problem(None, f"removed the outputs built before editions.yaml at the top of {out_dir}: "
                                      "each edition now has its own folder there", severity="warning"))
    for folder in sorted(out_dir.iterdir()):
        if folder.name in (editions or ()) or folder.is_symlink() or not (folder / RECORD_NAME).is_file():
            continue
        record = BuildRecord.load(folder)
        if record.edition != folder.name or not record.belongs_to(content_dir):
            continue
        _remove_recorded(folder, record)
        _remove_empty_folders(folder, out_dir)
        why = "which editions.yaml no longer names" if editions is not None else "now that there is no editions.yaml"
        problems.append(Problem(None, f"removed the outputs of edition '{folder.name}', {why}", severity="warning"))


def _remove_recorded(folder: Path, record: BuildRecord) -> None:
    """Every file `record` names in `folder` (with a PDF's print HTML), the folders inside it this
    leaves empty, and the record itself."""
    for entry in record.entries.values():
        for rel in entry.files:
            path = output_path(folder, rel)
            if path is None or not _remove_file(path):
                continue
            if path.suffix == ".pdf":
                _remove_file(print_html_path(path))
            _remove_empty_folders(path.parent, folder)
    _remove_file(folder / RECORD_NAME)


def _remove_empty_folders(folder: Path, top: Path) -> None:
    """`folder` and its parents up to `top` (excluded), as long as they are empty."""
    while folder != top and folder.is_relative_to(top):
        try:
            folder.rmdir()
        except OSError:  # not empty (or not a plain folder): the files of someone else
            return
        folder = folder.parent


def _plan_target(target: Target, force: bool, hasher: Hasher, result: BuildResult,
                 notify: Progress) -> list[tuple[Target, str, Task, Fingerprint]]:
    """The jobs of one output folder that must render; the others are counted unchanged."""
    catalogue, bundles, options = target.catalogue, target.bundles, target.options
    problems: list[Problem] = []
    planned = plan(catalogue, bundles, options, problems)
    if target.edition is None:
        result.problems.extend(problems)  # with editions, the whole catalogue was planned once for these
    result.failed.update({target.prefix + name: reason for name, reason in planned.unbuildable.items()})
    chosen = {t.src_path: t for job in planned.jobs for t in job.translations}
    result.problems.extend(overdue_problems(chosen.values(), catalogue.site.review_months, options.today,
                                            options.strict))
    result.problems.extend(sync_problems(catalogue, "error" if options.strict else "warning", missing=False,
                                         only=set(chosen)))
    variant = variant_for(options, catalogue)
    refusal = _output_folder_problem(options)
    target.record = record = BuildRecord.load(options.out_dir)
    record.edition = target.edition.id if target.edition else None
    if refusal is None and not record.belongs_to(options.content_dir):
        refusal = Problem(options.out_dir / RECORD_NAME, f"this output folder holds the brochures of another "
                          f"content folder ({record.content}); nothing was deleted or overwritten: build into "
                          "another folder with --out, or empty this one yourself")
    if refusal is not None:
        result.problems.append(refusal)
        for job in planned.jobs:
            result.failed[target.prefix + job_id(job, variant, options)] = refusal.message
        return []
    if record.rejected:
        result.problems.append(Problem(options.out_dir / RECORD_NAME, "ignored record entries naming files outside "
                                       f"the output folder ({', '.join(sorted(record.rejected)[:3])}); "
                                       "nothing outside it is ever deleted", severity="warning"))
    _remove_partial_files(options.out_dir)
    removed = _remove_deleted(catalogue, bundles, record, options)
    result.removed += [target.prefix + rel for rel in removed]
    if removed and not _save(record, options, result):
        return []

    failed_sources = {p.path for p in result.problems if p.severity == "error"}
    target.planned, target.failed_sources = planned, failed_sources
    edition_key = target.edition.settings_key if target.edition else None
    todo = []
    for job in planned.jobs:
        identity = job_id(job, variant, options)
        broken = [t.src_path for t in job.translations if t.src_path in failed_sources]
        if broken:
            reason = f"{broken[0].parent.name}/{broken[0].name} has errors"
            result.failed[target.prefix + identity] = reason
            if job.template == "bundle.html.j2":
                result.problems.append(Problem(job.src_path, f"bundle '{job.name}' ({job.lang}) not built: {reason}"))
            continue
        stamp = fingerprint(job, catalogue, variant, options, hasher, edition_key)
        if not force and target.record.is_current(identity, stamp, options.out_dir):
            result.unchanged.append(target.prefix + identity)
            notify("unchanged", target.prefix + identity, "")
            continue
        notify("plan", target.prefix + identity,
               "; ".join(target.record.reasons(identity, stamp)) if not force else "forced")
        todo.append((target, identity, Task(_needed(catalogue, job), job, variant, options), stamp))
    return todo


def _needed(catalogue: Catalogue, job: Job) -> Catalogue:
    """The catalogue with only the topics this job prints (and those it names as related).

    A task is pickled to its worker: the whole catalogue would travel with every document.
    """
    wanted = {t.topic_id for t in job.translations} | {r for t in job.translations for r in t.related}
    return replace(catalogue, topics={k: v for k, v in catalogue.topics.items() if k in wanted}, problems=())


def _save_records(finished: dict[int, list[Output]], todo: list[tuple[Target, str, Task, Fingerprint]],
                  result: BuildResult) -> None:
    for target in {id(todo[index][0]): todo[index][0] for index in finished}.values():
        _save(target.record, target.options, result)


def _run(tasks: list[Task], jobs: int, scheduler: str | None = None) -> Iterator[tuple[int, JobResult]]:
    """(index, result) as each task finishes, each in a worker process bounded in time and memory,
    or on the workers of a Dask cluster.

    The costliest documents (bundles) start first, so that no worker is left with a long one
    at the end while the others wait. A worker that dies or overruns fails its document only.
    """
    if not tasks:
        return
    if scheduler is not None:
        from brochures.build.cluster import run_on_cluster  # dask: imported only for a cluster build

        yield from run_on_cluster(tasks, scheduler, priority=[_cost(task) for task in tasks])
        return

    def before_fork() -> None:  # the renderer: imported only when there is work, once, before workers fork
        from brochures.build.tasks import prepare

        for task in tasks:
            prepare(task)

    order = sorted(range(len(tasks)), key=lambda i: -_cost(tasks[i]))
    for index, outcome in shared_pool(render_and_write).run(tasks, order, jobs, task_budget, limit_reached,
                                                            before_fork):
        if isinstance(outcome, Failure):
            outcome = JobResult(problems=[Problem(tasks[index].job.src_path, outcome.reason)])
        yield index, outcome


def _cost(task: Task) -> int:
    return sum(len(t.body) for t in task.job.translations) * (2 if task.options.layout == "booklet" else 1)


def _entry(job: Job, stamp: Fingerprint, outputs: list[Output], out_dir: Path) -> Entry:
    return Entry(f"{job.lang}/{job.name}", stamp.key, stamp.inputs,
                 {str(o.path.relative_to(out_dir)): o.size for o in outputs}, sum(o.pages for o in outputs))


def _output_folder_problem(options: Options) -> Problem | None:
    """Why nothing can be written to `--out`, in one line; None when it is (or can be) a folder."""
    out = options.out_dir
    if out.exists() and not out.is_dir():
        return Problem(out, "--out names a file, not a folder; give a folder for the brochures")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return Problem(out, f"cannot create the output folder: {exc.strerror}; choose another --out")
    if not os.access(out, os.W_OK | os.X_OK):
        return Problem(out, "the output folder is not writable; choose another --out or change its permissions")
    return None


def _save(record: BuildRecord, options: Options, result: BuildResult) -> bool:
    """Save the record; a full or read-only disk is one problem, reported once."""
    try:
        record.save(options.out_dir, options.content_dir)
        return True
    except OSError as exc:
        problem = Problem(options.out_dir / RECORD_NAME, f"cannot write the build record: {exc.strerror or exc}; "
                                                         "check that the output folder is writable and has space")
        if problem not in result.problems:
            result.problems.append(problem)
        return False


def _remove_partial_files(out_dir: Path) -> None:
    """Temporary files left by a build that was killed outright (SIGKILL, power cut): only
    files named as `write_atomic` names them, never a user's own `.something.tmp`."""
    for folder, dirs, names in os.walk(out_dir):
        for name in names:
            path = Path(folder) / name
            if is_partial_file(path) and path.is_file() and not path.is_symlink():
                path.unlink(missing_ok=True)


def _remove_deleted(catalogue: Catalogue, bundles: Bundles, record: BuildRecord, options: Options) -> list[str]:
    """Outputs of topics, bundles or languages that no longer exist; returns what was removed.

    Only files the record names, inside the output folder, that are regular files (not links).
    """
    everything = plan(catalogue, bundles, Options(content_dir=options.content_dir, out_dir=options.out_dir), [])
    existing = {f"{job.lang}/{job.name}" for job in everything.jobs} | set(everything.unbuildable)  # broken: kept
    existing |= web_documents(catalogue)
    removed = []
    for identity in sorted(record.entries):
        if record.entries[identity].document in existing:
            continue
        for rel in record.entries.pop(identity).files:
            path = output_path(options.out_dir, rel)
            if path is None:
                continue
            if _remove_file(path):
                _remove_file(print_html_path(path))
                removed.append(rel)
    return removed


def _remove_file(path: Path) -> bool:
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return False
        path.unlink()
        return True
    except OSError:
        return False
