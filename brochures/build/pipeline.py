"""Run a build: load the catalogue, plan the documents, render what changed, record and report.

Data flows one way: catalogue → jobs → (fingerprint: skip what is current) → render, in worker
processes when there are several jobs → record. A problem in one document never stops the
others; a failed document keeps its previous file; an interrupted build leaves no partial file
and a record that matches the disk, so the next build finishes the job.
"""

from __future__ import annotations

import multiprocessing
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from brochures.build.plan import Job, Options, plan, variant_for
from brochures.build.record import (
    BuildRecord,
    Entry,
    Fingerprint,
    Hasher,
    fingerprint,
    job_id,
)
from brochures.build.tasks import JobResult, Output, Task, print_html_path, run_task
from brochures.build.website import build_web, web_documents
from brochures.content.bundles import Bundles, load_bundles
from brochures.content.catalogue import Catalogue, load_catalogue
from brochures.content.review import overdue_problems
from brochures.content.sync import sync_problems
from brochures.problems import ContentError, Problem, has_errors

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


def build(options: Options, force: bool = False, jobs: int = 1, progress: Progress | None = None) -> BuildResult:
    """Bring `<out>` up to date with the content; `force` renders everything again."""
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
    planned = plan(catalogue, bundles, options, result.problems)
    result.failed.update(planned.unbuildable)
    chosen = {t.src_path: t for job in planned.jobs for t in job.translations}
    result.problems.extend(overdue_problems(chosen.values(), catalogue.site.review_months, options.today,
                                            options.strict))
    result.problems.extend(sync_problems(catalogue, "error" if options.strict else "warning", missing=False,
                                         only=set(chosen)))
    variant = variant_for(options, catalogue)
    record = BuildRecord.load(options.out_dir)
    _remove_partial_files(options.out_dir)
    result.removed = _remove_deleted(catalogue, bundles, record, options)
    if result.removed:
        record.save(options.out_dir)

    failed_sources = {p.path for p in result.problems if p.severity == "error"}
    hasher = Hasher()
    todo: list[tuple[str, Task, Fingerprint]] = []
    for job in planned.jobs:
        identity = job_id(job, variant, options)
        broken = [t.src_path for t in job.translations if t.src_path in failed_sources]
        if broken:
            reason = f"{broken[0].parent.name}/{broken[0].name} has errors"
            result.failed[identity] = reason
            if job.template == "bundle.html.j2":
                result.problems.append(Problem(job.src_path, f"bundle '{job.name}' ({job.lang}) not built: {reason}"))
            continue
        stamp = fingerprint(job, catalogue, variant, options, hasher)
        if not force and record.is_current(identity, stamp, options.out_dir):
            result.unchanged.append(identity)
            notify("unchanged", identity, "")
            continue
        notify("plan", identity, "; ".join(record.reasons(identity, stamp)) if not force else "forced")
        todo.append((identity, Task(catalogue, job, variant, options), stamp))

    finished: dict[int, list[Output]] = {}
    for index, job_result in _run([task for _, task, _ in todo], jobs):
        identity, task, stamp = todo[index]
        result.problems.extend(job_result.problems)
        if not job_result.outputs or has_errors(job_result.problems):
            result.failed[identity] = next((p.message for p in job_result.problems if p.severity == "error"),
                                           "not rendered")
            notify("failed", identity, result.failed[identity])
            continue
        finished[index] = job_result.outputs
        record.entries[identity] = _entry(task.job, stamp, job_result.outputs, options.out_dir)
        record.save(options.out_dir)
        notify("rendered", identity, "\n".join(output.describe() for output in job_result.outputs))
    for index in sorted(finished):  # plan order, however the workers finished
        result.rendered.append(todo[index][0])
        result.outputs.extend(finished[index])
    if options.web:
        failed_docs = {f"{job.lang}/{job.name}" for job in planned.jobs
                       if any(t.src_path in failed_sources for t in job.translations)}
        result.web, web_problems = build_web(catalogue, bundles, planned.jobs, failed_docs | set(planned.unbuildable),
                                             options, record, force, notify)
        result.problems.extend(web_problems)
    result.seconds = time.monotonic() - started
    return result


def _run(tasks: list[Task], jobs: int) -> Iterator[tuple[int, JobResult]]:
    """(index, result) as each task finishes; in worker processes when there are several tasks.

    The costliest documents (bundles) start first, so that no worker is left with a long one
    at the end while the others wait.
    """
    if jobs <= 1 or len(tasks) <= 1:
        for index, task in enumerate(tasks):
            yield index, run_task(task)
        return
    order = sorted(range(len(tasks)), key=lambda i: -_cost(tasks[i]))
    pool = multiprocessing.get_context("fork").Pool(min(jobs, len(tasks)), initializer=_worker_init)
    try:
        yield from pool.imap_unordered(_indexed, [(i, tasks[i]) for i in order])
        pool.close()
    except BaseException:
        pool.terminate()  # SIGTERM: each worker removes its temporary file (see _worker_init)
        raise
    finally:
        pool.join()


def _cost(task: Task) -> int:
    return sum(len(t.body) for t in task.job.translations) * (2 if task.options.layout == "booklet" else 1)


def _indexed(item: tuple[int, Task]) -> tuple[int, JobResult]:
    index, task = item
    return index, run_task(task)


def _worker_init() -> None:
    """Turn SIGTERM into KeyboardInterrupt in workers, so write_atomic cleans up after itself."""
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _entry(job: Job, stamp: Fingerprint, outputs: list[Output], out_dir: Path) -> Entry:
    return Entry(f"{job.lang}/{job.name}", stamp.key, stamp.inputs,
                 {str(o.path.relative_to(out_dir)): o.size for o in outputs}, sum(o.pages for o in outputs))


def _remove_partial_files(out_dir: Path) -> None:
    """Temporary files left by a build that was killed outright (SIGKILL, power cut)."""
    if out_dir.is_dir():
        for path in out_dir.rglob(".*.tmp"):
            path.unlink(missing_ok=True)


def _remove_deleted(catalogue: Catalogue, bundles: Bundles, record: BuildRecord, options: Options) -> list[str]:
    """Outputs of topics, bundles or languages that no longer exist; returns what was removed."""
    everything = plan(catalogue, bundles, Options(content_dir=options.content_dir, out_dir=options.out_dir), [])
    existing = {f"{job.lang}/{job.name}" for job in everything.jobs} | set(everything.unbuildable)  # broken: kept
    existing |= web_documents(catalogue)
    removed = []
    for identity in sorted(record.entries):
        if record.entries[identity].document in existing:
            continue
        for rel in record.entries.pop(identity).files:
            path = options.out_dir / rel
            if path.exists():
                path.unlink()
                print_html_path(path).unlink(missing_ok=True)
                removed.append(rel)
    return removed
