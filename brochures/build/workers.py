"""Run each render task in a worker process that may die or overrun without taking the build along.

Content is untrusted, and a layout engine can be made to loop, recurse or eat memory. So every
task, even in a serial build, runs in a forked worker with a memory limit (an address-space
rlimit, so that allocation fails with MemoryError) and a deadline watched by the parent. A worker
that dies (SIGKILL, the kernel's out-of-memory killer, a crash in a C library) or overruns is
reported as the failure of the task it held; a fresh worker takes its place and the others go on.

Workers are forked after the list of tasks exists, so they receive an index, not a pickled task.
Each worker writes its temporary files (WeasyPrint's font folders) into a folder this run owns,
which is removed at the end, whatever became of the workers.
"""

from __future__ import annotations

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
RECURSION_LIMIT = 20_000  # deep but legal documents recurse in the layout engine; the stack is 8 MB+
STOP_GRACE_SECONDS = 5.0


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
    """`jobs` workers calling `work(item)`; results come back as they finish, in any order."""

    def __init__(self, items: Sequence[Item], jobs: int, work: Callable[[Item], Result],
                 budget: Callable[[Item], Budget], describe_limit: Callable[[Item, str], str]) -> None:
        self.items, self.jobs, self.work = items, max(1, jobs), work
        self.budget, self.describe_limit = budget, describe_limit
        remove_stale_work_dirs()
        self.work_dir = Path(tempfile.mkdtemp(prefix=f"{WORK_DIR_PREFIX}{os.getpid()}-"))
        self.context = get_context("fork")
        self.workers: list[_Worker] = []

    def run(self, order: Sequence[int]) -> Iterator[tuple[int, Result | Failure]]:
        """(index, result or failure) for each item of `order`, as each finishes."""
        pending = deque(order)
        try:
            while pending or any(w.index is not None for w in self.workers):
                self._start_workers(len(pending))
                for worker in self.workers:
                    if worker.index is None and pending:
                        index = pending.popleft()
                        worker.give(index, self.budget(self.items[index]).seconds)
                yield from self._collect()
        finally:
            self.close()

    def _start_workers(self, waiting: int) -> None:
        for worker in [w for w in self.workers if w.index is None and not w.process.is_alive()]:  # type: ignore[attr-defined]
            worker.stop()
            self.workers.remove(worker)
        busy = sum(w.index is not None for w in self.workers)
        while len(self.workers) < min(self.jobs, busy + waiting):
            self.workers.append(_Worker.start(self.context, self._serve))

    def _collect(self) -> Iterator[tuple[int, Result | Failure]]:
        busy = [w for w in self.workers if w.index is not None]
        deadline = min(w.deadline for w in busy)
        ready = set(wait([w.conn for w in busy] + [w.process.sentinel for w in busy],
                         timeout=max(0.0, deadline - time.monotonic())))
        now = time.monotonic()
        for worker in busy:
            index = worker.index
            assert index is not None
            if worker.conn in ready or worker.process.sentinel in ready:
                try:
                    if not worker.conn.poll():
                        raise EOFError
                    done_index, outcome = worker.conn.recv()
                except (EOFError, OSError):
                    yield index, Failure(self.describe_limit(self.items[index], _death(worker.stop())))
                    self.workers.remove(worker)
                    continue
                worker.index = None
                yield done_index, outcome
            elif now >= worker.deadline:
                worker.stop()
                self.workers.remove(worker)
                yield index, Failure(self.describe_limit(self.items[index], "time"))

    def _serve(self, conn: Connection) -> None:
        """A worker's life: render the items it is given until told to stop (None) or killed."""
        signal.signal(signal.SIGTERM, _interrupt)  # write_atomic removes its temporary file
        signal.signal(signal.SIGINT, _interrupt)
        tempfile.tempdir = str(self.work_dir)
        os.environ["TMPDIR"] = str(self.work_dir)
        sys.setrecursionlimit(RECURSION_LIMIT)
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        while True:
            try:
                index = conn.recv()
            except (EOFError, KeyboardInterrupt):
                return
            if index is None:
                return
            item = self.items[index]
            outcome: Result | Failure
            try:
                resource.setrlimit(resource.RLIMIT_AS, (_capped(self.budget(item).memory_bytes, hard), hard))
                outcome = self.work(item)
            except MemoryError:
                outcome = Failure(self.describe_limit(item, "memory"))
            except RecursionError:
                outcome = Failure(self.describe_limit(item, "recursion"))
            except Exception as exc:  # a bug: still one line, and the other documents go on
                outcome = Failure(self.describe_limit(item, f"bug:{type(exc).__name__}: {exc}"))
            finally:
                resource.setrlimit(resource.RLIMIT_AS, (hard, hard))
            conn.send((index, outcome))

    def close(self) -> None:
        """Stop every worker (a busy one is interrupted) and remove the temporary folder."""
        for worker in self.workers:
            worker.stop(gently=True)
        self.workers.clear()
        shutil.rmtree(self.work_dir, ignore_errors=True)


@dataclass
class _Worker:
    process: object  # multiprocessing's forked Process
    conn: Connection
    index: int | None = None
    deadline: float = 0.0

    @classmethod
    def start(cls, context: object, serve: Callable[[Connection], None]) -> _Worker:
        parent_end, child_end = context.Pipe()  # type: ignore[attr-defined]
        process = context.Process(target=serve, args=(child_end,), daemon=True)  # type: ignore[attr-defined]
        process.start()
        child_end.close()
        return cls(process, parent_end)

    def give(self, index: int, seconds: float) -> None:
        self.index = index
        self.deadline = time.monotonic() + seconds
        self.conn.send(index)

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
