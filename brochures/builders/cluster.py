"""Run render tasks on the workers of a Dask cluster (dask.distributed), with no shared file system.

The client sends each `Task` with a snapshot of the files it reads (its topic folder, the logo),
and once per worker the files every task shares (templates, styles, layout-text catalogues).
A worker writes them into its own folder with the same layout (`content/...`, `project/...`),
renders there and sends the PDF bytes back; the client writes them atomically and keeps the
record, as for a local build. Pages name their folders by fixed URLs (pdf/urls.py), so the
bytes do not depend on where the worker put the files.

On the worker, each render runs in a forked process bounded in time and memory like a local
build's (builders/workers.py, site.yaml `limits:`): a document over a limit fails alone with the
same line, and the Dask worker renders the next ones. A worker lost mid-task is replaced by Dask,
which runs the task again elsewhere; a task that keeps killing workers, or a cluster left with no
worker, fails that document, never hangs.
"""

from __future__ import annotations

import ctypes
import hashlib
import multiprocessing
import os
import signal
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, fields, is_dataclass, replace
from pathlib import Path
from typing import Any, Iterator

from brochures.builders.work import JobResult, RenderedFile, Task
from brochures.problems import Problem

CONNECT_SECONDS = 10
NO_WORKER_SECONDS = 60  # a cluster without any worker for this long fails what is left
POLL_SECONDS = 2.0
SHARED_FOLDERS = (("content", "templates"), ("content", "styles"), ("content", "locales"),
                  ("project", "templates"), ("project", "styles"), ("project", "locales"))


@dataclass(frozen=True)
class Snapshot:
    """Files by path under the worker's folder (`content/<topic>/en.md`, `project/styles/x.css`).

    `folders` are copied exactly: a file of an earlier snapshot that is not listed is removed.
    """

    files: tuple[tuple[str, bytes], ...]
    folders: tuple[str, ...]

    @property
    def key(self) -> str:
        digest = hashlib.sha256()
        for rel, data in self.files:
            digest.update(rel.encode("utf-8") + b"\0" + hashlib.sha256(data).digest())
        return digest.hexdigest()


class _Reader:
    """Reads each client file once per build, however many tasks carry it."""

    def __init__(self) -> None:
        self.cache: dict[Path, bytes] = {}

    def snapshot(self, folders: list[tuple[str, Path]], files: list[tuple[str, Path]] = ()) -> Snapshot:
        found: list[tuple[str, bytes]] = []
        for rel, folder in folders:
            if folder.is_dir():
                found += [(f"{rel}/{path.relative_to(folder).as_posix()}", self.read(path))
                          for path in sorted(folder.rglob("*")) if path.is_file()]
        found += [(rel, self.read(path)) for rel, path in files if path.is_file()]
        return Snapshot(tuple(found), tuple(rel for rel, _ in folders))

    def read(self, path: Path) -> bytes:
        if path not in self.cache:
            self.cache[path] = path.read_bytes()
        return self.cache[path]


def shared_snapshot(task: Task, reader: _Reader) -> Snapshot:
    """What every task of a build reads: the clinic's and the project's templates, styles, locales."""
    roots = {"content": task.catalogue.content_dir, "project": task.project_root}
    return reader.snapshot([(f"{root}/{name}", roots[root] / name) for root, name in SHARED_FOLDERS])


def task_snapshot(task: Task, reader: _Reader) -> Snapshot:
    """What one task reads besides: its topic folders (text and images) and the logo."""
    content = task.catalogue.content_dir
    folders = {t.topic_id: content / t.topic_id for t in task.job.translations}
    logo = task.catalogue.site.branding.logo
    files = []
    if logo is not None and logo.resolve().is_relative_to(content.resolve()):
        files.append((f"content/{logo.resolve().relative_to(content.resolve()).as_posix()}", logo))
    return reader.snapshot([(f"content/{topic_id}", folder) for topic_id, folder in folders.items()], files)


def run_on_cluster(tasks: list[Task], address: str, priority: list[int]) -> Iterator[tuple[int, JobResult]]:
    """(index, result) as each task finishes on the cluster; the files are written here."""
    from distributed import Client, wait

    from brochures.builders.tasks import write_file

    try:
        client = Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        problem = Problem(None, f"cannot reach the Dask scheduler at {address}: {exc}; start one with "
                                "`dask scheduler` and its workers with `dask worker ADDRESS`")
        for index in range(len(tasks)):
            yield index, JobResult(problems=[problem])
        return
    reader = _Reader()
    build = uuid.uuid4().hex[:8]
    futures: dict[Any, int] = {}
    try:
        shared = client.scatter(shared_snapshot(tasks[0], reader), broadcast=True, hash=False)
        for index, task in enumerate(tasks):
            future = client.submit(render_remote, task, task_snapshot(task, reader), shared, pure=False,
                                   key=f"brochure-{build}-{index}", priority=priority[index])
            futures[future] = index
        pending = set(futures)
        lonely_since: float | None = None
        while pending:
            if _any_worker(client):
                try:
                    with client.as_current():
                        done, pending = wait(pending, timeout=POLL_SECONDS, return_when="FIRST_COMPLETED")
                except TimeoutError:  # nothing finished yet
                    done = set()
            else:
                done = set()
            for future in done:
                index = futures[future]
                yield index, _finish(future, tasks[index], write_file)
            if done or _any_worker(client):
                lonely_since = None
                continue
            lonely_since = lonely_since or time.monotonic()
            time.sleep(POLL_SECONDS)
            if time.monotonic() - lonely_since > NO_WORKER_SECONDS:
                problem = Problem(None, f"no Dask worker connected to {address} for {NO_WORKER_SECONDS} s; "
                                        "start workers with `dask worker ADDRESS`")
                for future in pending:
                    yield futures[future], JobResult(problems=[problem])
                return
    finally:
        client.cancel(list(futures), force=True)
        client.close()


def _any_worker(client: Any) -> bool:
    try:
        return bool(client.scheduler_info()["workers"])
    except Exception:  # the scheduler itself is gone: as good as no worker
        return False


def _finish(future: Any, task: Task, write_file: Any) -> JobResult:
    """Write what a worker rendered; a failed or lost task fails its document, with the reason."""
    if future.status != "finished":
        try:
            reason = repr(future.exception(timeout=10))
        except Exception as exc:  # cancelled, or the scheduler went away
            reason = type(exc).__name__
        return JobResult(problems=[Problem(task.job.src_path, f"not rendered: the Dask worker failed ({reason})")])
    result: JobResult = future.result()
    outputs = [write_file(file, task.options) for file in result.files]
    return JobResult(outputs, result.problems)


# --- on the worker ---------------------------------------------------------------------------

_lock = threading.Lock()  # one render at a time per process: the files on disk are those of one task
_state: dict[str, Any] = {"root": None, "shared": None, "pool": None, "parent": None}
PR_SET_PDEATHSIG = 1  # prctl option: the signal this process gets when its parent dies


def render_remote(task: Task, files: Snapshot, shared: Snapshot) -> JobResult:
    """Render a task from the files it carries, in this worker's own folder; nothing is written
    outside it. Paths in the task and in the problems found are the client's.

    The render runs in a process forked from this one and bounded like a local build's
    (site.yaml `limits:`): a document that loops or eats memory fails alone, with the same line,
    and the Dask worker stays to render the next documents.
    """
    from brochures.builders.tasks import forget_cached

    with _lock:
        root = _worker_root()
        if _state["shared"] != shared.key:
            _materialise(root, shared)
            forget_cached()  # templates or catalogues changed: environments built on them are stale
            _close_pool()  # and its processes hold copies of those environments
            _state["shared"] = shared.key
        _materialise(root, files)
        client_content, client_project = task.catalogue.content_dir, task.project_root
        moves = ((client_content.resolve(), root / "content"), (client_content, root / "content"),
                 (client_project, root / "project"))
        local = replace(task, catalogue=_relocate(task.catalogue, moves), job=_relocate(task.job, moves),
                        project_root=root / "project")
        rendered, problems = _render_bounded(local)
        back = ((root / "content", client_content), (root / "project", client_project))
        return JobResult(problems=[_unmove_problem(p, back) for p in problems],
                         files=[RenderedFile(f.path, f.data, f.pages, f.html) for f in rendered])


def _render_bounded(task: Task) -> tuple[list[RenderedFile], list[Problem]]:
    """`render_task` in this process's pool, within the task's time and memory budget; a new
    render process is forked after this one prepared the task (so that it starts warm)."""
    from brochures.builders.budget import limit_reached, task_budget
    from brochures.builders.tasks import prepare
    from brochures.builders.workers import Failure, WorkerPool

    if _state["pool"] is None:
        _allow_children()
        _state["parent"] = os.getpid()
        _state["pool"] = WorkerPool(_render_in_child)
    [(_, outcome)] = list(_state["pool"].run([task], [0], 1, task_budget, limit_reached,
                                             before_fork=lambda: prepare(task)))
    if isinstance(outcome, Failure):
        return [], [Problem(task.job.src_path, outcome.reason)]
    return outcome


def _render_in_child(task: Task) -> tuple[list[RenderedFile], list[Problem]]:
    """In a render process: first make sure it ends with its Dask worker, then render."""
    from brochures.builders.tasks import render_task

    _die_with_parent()
    return render_task(task)


def _die_with_parent() -> None:
    """Have the kernel kill this process when the Dask worker that forked it dies.

    A Dask worker killed outright (SIGKILL, the out-of-memory killer) would otherwise leave its render
    processes behind, looping on a document or waiting for the next, holding copies of its
    connections to the scheduler. Linux only (prctl); elsewhere they end with the worker's own exit.
    """
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != _state["parent"]:  # the worker died before the kernel was told
        os._exit(1)


def _close_pool() -> None:
    if _state["pool"] is not None:
        _state["pool"].close()
        _state["pool"] = None


def _allow_children() -> None:
    """Let this process fork the render processes.

    Dask starts its workers as daemonic processes (`distributed.worker.daemon`), and
    multiprocessing refuses children to those. The flag only serves that check here: the pool
    stops its own processes when this one exits (they are daemonic, and `close` runs at exit).
    """
    process = multiprocessing.current_process()
    if process.daemon:
        process.daemon = False


def _worker_root() -> Path:
    """This process's folder: inside the Dask worker's own directory, which Dask removes on exit."""
    if _state["root"] is None:
        try:
            from distributed import get_worker

            parent = Path(get_worker().local_directory)
        except (ImportError, ValueError):  # not in a worker (a test calling this directly)
            parent = Path(tempfile.gettempdir())
        _state["root"] = Path(tempfile.mkdtemp(prefix="brochures-", dir=parent))
    return _state["root"]


def _materialise(root: Path, snapshot: Snapshot) -> None:
    """Make `root` hold exactly the snapshot's folders, writing only what changed."""
    wanted = dict(snapshot.files)
    for folder in snapshot.folders:
        if (root / folder).is_dir():
            for path in sorted((root / folder).rglob("*"), reverse=True):
                rel = path.relative_to(root).as_posix()
                if path.is_file() and rel not in wanted:
                    path.unlink()
    for rel, data in snapshot.files:
        path = root / rel
        if not path.is_file() or path.read_bytes() != data:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.tmp")
            tmp.write_bytes(data)
            tmp.replace(path)


def _relocate(value: Any, moves: tuple[tuple[Path, Path], ...]) -> Any:
    """`value` with every path under a moved folder moved (frozen dataclasses are copied)."""
    if isinstance(value, Path):
        for old, new in moves:
            if value == old or value.is_relative_to(old):
                return new / value.relative_to(old)
        return value
    if is_dataclass(value) and not isinstance(value, type):
        return replace(value, **{f.name: _relocate(getattr(value, f.name), moves) for f in fields(value) if f.init})
    if isinstance(value, tuple):
        return tuple(_relocate(item, moves) for item in value)
    if isinstance(value, list):
        return [_relocate(item, moves) for item in value]
    if isinstance(value, dict):
        return {key: _relocate(item, moves) for key, item in value.items()}
    return value


def _unmove_problem(problem: Problem, back: tuple[tuple[Path, Path], ...]) -> Problem:
    message = problem.message
    for old, new in back:
        message = message.replace(str(old), str(new))
    return replace(problem, path=_relocate(problem.path, back), message=message)

