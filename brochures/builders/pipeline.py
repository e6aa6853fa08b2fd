"""Run a build: load the catalogue, plan the documents, render what changed, record and report.

Data flows one way: catalogue → jobs → (fingerprint: skip what is current) → render, in worker
processes when there are several jobs → record. A problem in one document never stops the
others; a failed document keeps its previous file; an interrupted build leaves no partial file
and a record that matches the disk, so the next build finishes the job.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import AbstractSet, Callable, Iterator

from brochures.builders.budget import limit_reached, task_budget
from brochures.builders.cleanup import remove_deleted, remove_partial_files
from brochures.builders.head_start import render_and_write
from brochures.builders.plan import Job, Options, plan, variant_for
from brochures.builders.record import RECORD_NAME, BuildRecord, Entry, Fingerprint, Hasher, fingerprint, job_id
from brochures.builders.targets import Target
from brochures.builders.targets import targets as build_targets
from brochures.builders.website import build_web
from brochures.builders.work import JobResult, Output, Task
from brochures.builders.workers import Failure, shared_pool
from brochures.content.bundles import load_bundles
from brochures.content.catalogue import Catalogue, load_catalogue
from brochures.content.review import overdue_problems
from brochures.content.sync import sync_problems
from brochures.problems import ContentError, Problem, has_errors

# The record is saved after the first document, at the end, and every few seconds on the way: a build
# killed outright (SIGKILL, power cut) then loses at most that much work. Saving it after every
# document rewrote the whole record each time, which grows with the catalogue (quadratic in all).
RECORD_EVERY = 5.0  # seconds
Progress = Callable[[str, str, str], None]  # (event, job id, detail): "plan", "rendered", "written", ...
Checked = Callable[[list[Problem]], None]  # the problems found before anything renders


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


def build(options: Options, force: bool = False, jobs: int = 1, progress: Progress | None = None,
          scheduler: str | None = None, editions: tuple[str, ...] = (), first: tuple[Path, ...] = (),
          checked: Checked | None = None) -> BuildResult:
    """Bring `<out>` up to date with the content; `force` renders everything again.

    `scheduler`: the address of a Dask scheduler whose workers render, instead of `jobs` local
    processes. `editions`: only these editions of editions.yaml (default: all). `first`: files just
    saved (watch, serve): the web pages of their topics are written before any PDF, and their
    topics' brochures render before the other documents. `progress` hears "written" with the
    files' paths as soon as each is written; `checked` gets the problems found before rendering.
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
    targets = build_targets(catalogue, bundles, options, editions, result.problems)
    if targets is None:
        return result
    hasher = Hasher()
    todo: list[tuple[Target, str, Task, Fingerprint]] = []
    for target in targets:
        todo += _plan_target(target, force, hasher, result, notify)
    if checked is not None:
        checked(list(result.problems))
    saved_now = {path.resolve() for path in first}
    if saved_now:
        _web_first(targets, saved_now, force, jobs, notify, result)
        if checked is not None:  # and what making those pages found (an image over a limit)
            checked(list(result.problems))

    finished: dict[int, list[Output]] = {}
    saved = float("-inf")  # the first finished document is recorded at once
    try:
        for index, job_result in _run([task for _, _, task, _ in todo], jobs, scheduler, saved_now):
            target, identity, task, stamp = todo[index]
            result.problems.extend(job_result.problems)
            if not job_result.outputs or has_errors(job_result.problems):
                result.failed[target.prefix + identity] = next(
                    (p.message for p in job_result.problems if p.severity == "error"), "not rendered")
                notify("failed", target.prefix + identity, result.failed[target.prefix + identity])
                target.failed_documents.add(f"{task.job.lang}/{task.job.name}")
                continue
            finished[index] = job_result.outputs
            target.record.entries[identity] = _entry(task.job, stamp, job_result.outputs, target.options.out_dir)
            if time.monotonic() - saved > RECORD_EVERY:
                _save_records(finished, todo, result)
                saved = time.monotonic()
            notify("rendered", target.prefix + identity,
                   "\n".join(output.describe() for output in job_result.outputs))
            notify("written", target.prefix + identity, "\n".join(str(o.path) for o in job_result.outputs))
    finally:  # also when interrupted: the record lists every file that was finished
        _save_records(finished, todo, result)
    for index in sorted(finished):  # plan order, however the workers finished
        target, identity, _, _ = todo[index]
        result.rendered.append(target.prefix + identity)
        result.outputs.extend(finished[index])
    for target in targets:
        if target.options.web and target.planned is not None:
            _web(target, target.planned.jobs, force, jobs, notify, result)
    result.problems = list(dict.fromkeys(result.problems))  # editions find the same problems again
    result.seconds = time.monotonic() - started
    return result


def _web(target: Target, jobs: tuple[Job, ...], force: bool, workers: int, notify: Progress,
         result: BuildResult) -> None:
    """The web edition of one output folder, with the topic pages of `jobs` (those not failed)."""
    planned = target.planned
    assert planned is not None
    failed_docs = {f"{job.lang}/{job.name}" for job in planned.jobs
                   if any(t.src_path in target.failed_sources for t in job.translations)}
    web, web_problems = build_web(target.catalogue, target.bundles, jobs,
                                  failed_docs | target.failed_documents | set(planned.unbuildable),
                                  target.options, target.record, force, notify, max(1, workers))
    result.web += web
    result.problems.extend(web_problems)


def _web_first(targets: list[Target], saved: set[Path], force: bool, workers: int, notify: Progress,
               result: BuildResult) -> None:
    """Before any PDF: the web pages of the topics just saved, and the catalogues listing them.

    A web page needs nothing from the PDFs, and a writer looking at it should not wait for them.
    The pass after the PDFs finds these pages current (or writes them again with the new PDFs' sizes).
    """
    for target in targets:
        if target.options.web and target.planned is not None:
            touched = tuple(job for job in target.planned.jobs if _touches(job, saved))
            if touched:
                _web(target, touched, force, workers, notify, result)


def _touches(job: Job, saved: AbstractSet[Path]) -> bool:
    """A topic brochure whose source, or a file in its topic's folder (an image), was just saved."""
    folders = {t.src_path.parent.resolve() for t in job.translations}
    return job.template == "brochure.html.j2" and any(path.parent in folders for path in saved)


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
    remove_partial_files(options.out_dir)
    removed = remove_deleted(catalogue, bundles, record, options)
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


def _run(tasks: list[Task], jobs: int, scheduler: str | None = None,
         saved: AbstractSet[Path] = frozenset()) -> Iterator[tuple[int, JobResult]]:
    """(index, result) as each task finishes, each in a worker process bounded in time and memory,
    or on the workers of a Dask cluster.

    The brochures of the topics just `saved` render first, alone (a writer is looking at them);
    then the costliest documents (bundles) first, so that no worker is left with a long one at the
    end while the others wait. A worker that dies or overruns fails its document only.
    """
    if not tasks:
        return
    if scheduler is not None:
        from brochures.builders.cluster import run_on_cluster  # dask: imported only for a cluster build

        yield from run_on_cluster(tasks, scheduler, priority=[_cost(task) for task in tasks])
        return

    def before_fork() -> None:  # the renderer: imported only when there is work, once, before workers fork
        from brochures.builders.tasks import prepare

        for task in tasks:
            prepare(task)

    order = sorted(range(len(tasks)), key=lambda i: -_cost(tasks[i]))
    first = [i for i in order if _touches(tasks[i].job, saved)]
    # The brochures just saved render alone: the others would share the cores they need.
    for batch in (first, [i for i in order if i not in first]):
        for index, outcome in shared_pool(render_and_write).run(tasks, batch, jobs, task_budget, limit_reached,
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


