"""Run each render task in a worker process that may die or overrun without taking the build along.

Content is untrusted, and a layout engine can be made to loop, recurse or eat memory. So every
task, even in a serial build, runs in a forked worker with a memory limit (an address-space
rlimit, so that allocation fails with MemoryError) and a deadline watched by the parent. A worker
that dies (SIGKILL, the kernel's out-of-memory killer, a crash in a C library) or overruns is
reported as the failure of the task it held; a fresh worker takes its place and the others go on.

Workers stay for the next build of the same process (`watch`, tests), so that it starts warm.
Each worker writes its temporary files (WeasyPrint's font folders) into a folder the pool owns,
removed when the pool closes (at the latest when the process exits), whatever became of the
workers; one left by a process killed outright is removed by the next pool.
"""

from __future__ import annotations

import atexit
import functools
import gc
import os
import resource
import shutil
import signal
import sys
import tempfile
import time
from collections import deque
from dataclasses import dataclass
from multiprocessing import get_context
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Callable, Generic, Iterator, Sequence, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")
WORK_DIR_PREFIX = "brochures-work-"
RECURSION_LIMIT = 3000  # headroom for the layout engine on legal nesting; low enough to fail a loop fast
STOP_GRACE_SECONDS = 5.0
GC_THRESHOLD = 20_000  # new objects between two collections of the youngest generation


@dataclass(frozen=True)
class Budget:
    """What one task may use: wall-clock seconds and bytes of address space."""

    seconds: float
    memory_bytes: int


@dataclass(frozen=True)
class Failure:
    """A task that did not return: why, in words that name the limit when one was reached."""

    reason: str


class WorkerPool(Generic[Item, Result]):
    """Workers calling `work(item)`; results come back as they finish, in any order.

    Workers outlive one run, so that a build after the first (in `watch`, in the tests) finds
    them warm; a worker that died or overran is replaced. `close` (also at exit) stops them all
    and removes their temporary folder.
    """

    def __init__(self, work: Callable[[Item], Result]) -> None:
        self.work = work
        remove_stale_work_dirs()
        self.work_dir = Path(tempfile.mkdtemp(prefix=f"{WORK_DIR_PREFIX}{os.getpid()}-"))
        self.context = get_context("fork")
        self.workers: list[_Worker] = []
        atexit.register(self.close)

    def start_worker(self, warm_up: Callable[[], None]) -> None:
        """Start a worker now, which runs `warm_up` (imports, caches) while this process goes on:
        a head start for the first task. Stopped at once if it is never given one."""
        self.workers.append(_Worker.start(self.context, self._serve, warm_up))

    def run(self, items: Sequence[Item], order: Sequence[int], jobs: int, budget: Callable[[Item], Budget],
            describe_limit: Callable[[Item, str], str], before_fork: Callable[[], None] = lambda: None,
            ) -> Iterator[tuple[int, Result | Failure]]:
        """(index, result or failure) for each item of `order`, as each finishes, in at most `jobs`
        workers at a time. Interrupted (Ctrl-C, SIGTERM), busy workers are stopped at once.

        `before_fork` runs once, before this run forks its first new worker: what it loads, every
        worker forked afterwards inherits. A run served by warm workers never calls it."""
        pending = deque(order)
        running: list[_Worker] = []
        prepare = functools.cache(before_fork)  # once per run
        try:
            while pending or running:
                while pending and len(running) < max(1, jobs):
                    worker = self._idle_worker(running, prepare)
                    index = pending.popleft()
                    item_budget = budget(items[index])
                    worker.give(index, items[index], item_budget)
                    running.append(worker)
                for worker, outcome in self._collect(running, items, describe_limit):
                    running.remove(worker)
                    yield outcome
        finally:
            for worker in running:  # left early: interrupted, or the consumer stopped
                worker.stop(gently=True)
                self.workers.remove(worker)

    def _idle_worker(self, running: list[_Worker], before_fork: Callable[[], None]) -> _Worker:
        for worker in [w for w in self.workers if w not in running]:
            if worker.process.is_alive():  # type: ignore[attr-defined]
                return worker
            worker.stop()
            self.workers.remove(worker)
        before_fork()
        worker = _Worker.start(self.context, self._serve)
        self.workers.append(worker)
        return worker

    def _collect(self, running: list[_Worker], items: Sequence[Item], describe_limit: Callable[[Item, str], str]
                 ) -> Iterator[tuple[_Worker, tuple[int, Result | Failure]]]:
        deadline = min(w.deadline for w in running)
        ready = set(wait([w.conn for w in running] + [w.process.sentinel for w in running],  # type: ignore[attr-defined]
                         timeout=max(0.0, deadline - time.monotonic())))
        now = time.monotonic()
        for worker in list(running):
            index = worker.index
            assert index is not None
            if worker.conn in ready or worker.process.sentinel in ready:  # type: ignore[attr-defined]
                try:
                    if not worker.conn.poll():
                        raise EOFError
                    done_index, outcome = worker.conn.recv()
                    if isinstance(outcome, Failure):  # the worker names the limit, we say it
                        outcome = Failure(describe_limit(items[done_index], outcome.reason))
                except (EOFError, OSError):
                    self.workers.remove(worker)
                    yield worker, (index, Failure(describe_limit(items[index], _death(worker.stop()))))
                    continue
                worker.index = None
                yield worker, (done_index, outcome)
            elif now >= worker.deadline:
                worker.stop()
                self.workers.remove(worker)
                yield worker, (index, Failure(describe_limit(items[index], "time")))

    def _serve(self, conn: Connection, warm_up: Callable[[], None] | None = None) -> None:
        """A worker's life: render the items it is given until told to stop (None) or killed."""
        signal.signal(signal.SIGTERM, _interrupt)  # write_atomic removes its temporary file
        signal.signal(signal.SIGINT, _interrupt)
        tempfile.tempdir = str(self.work_dir)
        os.environ["TMPDIR"] = str(self.work_dir)
        sys.setrecursionlimit(RECURSION_LIMIT)
        if warm_up is not None:
            try:
                warm_up()
            except KeyboardInterrupt:
                return
            except Exception:  # the first task meets the same error, and reports it
                pass
        # What the worker inherited or warmed up (modules, caches, the catalogue) lives as long as
        # it does: out of the cycle collector's sight, which otherwise scans it again and again
        # while a page is laid out (a quarter of the collector's time), and never copies its pages.
        gc.freeze()
        # Layout makes objects by the hundred thousand, most freed by reference counting: collecting
        # after every 20 000 new ones rather than 700 halves the collector's time (0.6 → 0.3 s over
        # 24 brochures) for some 20 MB more at the peak.
        gc.set_threshold(GC_THRESHOLD, *gc.get_threshold()[1:])
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        while True:
            try:
                message = conn.recv()
            except (EOFError, KeyboardInterrupt):
                return
            if message is None:
                return
            index, item, memory_bytes = message
            outcome: object
            try:
                resource.setrlimit(resource.RLIMIT_AS, (_capped(memory_bytes, hard), hard))
                outcome = self.work(item)
            except MemoryError:
                outcome = Failure("memory")
            except RecursionError:
                outcome = Failure("recursion")
            except Exception as exc:  # a bug: still one line, and the other documents go on
                outcome = Failure(f"bug:{type(exc).__name__}: {exc}")
            except KeyboardInterrupt:  # stopped by the build: leave quietly
                return
            finally:
                resource.setrlimit(resource.RLIMIT_AS, (hard, hard))
            conn.send((index, outcome))

    def close(self) -> None:
        """Stop every worker and remove the temporary folder; one that never had a task (a head
        start the build did not need, perhaps still warming up) is not waited for."""
        for worker in self.workers:
            worker.stop(gently=worker.used)
        self.workers.clear()
        shutil.rmtree(self.work_dir, ignore_errors=True)


_pools: dict[Callable[..., object], WorkerPool] = {}  # type: ignore[type-arg]


def shared_pool(work: Callable[[Item], Result]) -> WorkerPool[Item, Result]:
    """This process's pool for `work`, made on first use."""
    if work not in _pools:
        _pools[work] = WorkerPool(work)
    return _pools[work]


@dataclass(eq=False)  # workers are told apart by identity
class _Worker:
    process: object  # multiprocessing's forked Process
    conn: Connection
    index: int | None = None
    deadline: float = 0.0
    used: bool = False  # given a task at least once

    @classmethod
    def start(cls, context: object, serve: Callable[..., None], *args: object) -> _Worker:
        parent_end, child_end = context.Pipe()  # type: ignore[attr-defined]
        process = context.Process(target=serve, args=(child_end, *args), daemon=True)  # type: ignore[attr-defined]
        process.start()
        child_end.close()
        return cls(process, parent_end)

    def give(self, index: int, item: object, budget: Budget) -> None:
        self.index = index
        self.used = True
        self.deadline = time.monotonic() + budget.seconds
        self.conn.send((index, item, budget.memory_bytes))

    def stop(self, gently: bool = False) -> int | None:
        """End the process; an idle one is asked to leave, a busy one interrupted, then killed."""
        process = self.process
        if gently and self.index is None:
            try:
                self.conn.send(None)
            except OSError:
                pass
        elif process.is_alive():  # type: ignore[attr-defined]
            process.terminate() if gently else process.kill()  # type: ignore[attr-defined]
        process.join(STOP_GRACE_SECONDS if gently else None)  # type: ignore[attr-defined]
        if process.is_alive():  # type: ignore[attr-defined]
            process.kill()  # type: ignore[attr-defined]
            process.join()  # type: ignore[attr-defined]
        self.conn.close()
        return process.exitcode  # type: ignore[attr-defined]


def _death(exitcode: int | None) -> str:
    """What ended a worker, as the word `describe_limit` turns into a sentence."""
    if exitcode is not None and exitcode < 0:
        return f"signal:{signal.Signals(-exitcode).name}"
    return f"exit:{exitcode}"


def _capped(memory_bytes: int, hard: int) -> int:
    return memory_bytes if hard == resource.RLIM_INFINITY else min(memory_bytes, hard)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def remove_stale_work_dirs() -> None:
    """Work folders of earlier runs whose process no longer exists (it was killed outright)."""
    for folder in Path(tempfile.gettempdir()).glob(f"{WORK_DIR_PREFIX}*-*"):
        pid = folder.name[len(WORK_DIR_PREFIX):].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)) and folder.is_dir() and not folder.is_symlink():
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
