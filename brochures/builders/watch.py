"""`build.py watch`: rebuild after every save of the content, templates, styles or catalogues.

Editors save in bursts (a temporary file, a rename, a backup copy), and the build itself opens
the files it reads. So events only wake the watcher; it waits until the folders have been quiet
for a moment, then rebuilds only if some file's size or time really changed. The build is the
build command's, which skips outputs whose inputs did not change, and is told which files were
saved: their topics' web pages are written first, then their brochures, then the rest. Saves
made while it runs are compared with what it started from, so they make the next build: merged,
never lost.
"""

from __future__ import annotations

import os
import sys
import threading
import time
import traceback
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Callable

from watchdog.events import (
    EVENT_TYPE_CLOSED,
    EVENT_TYPE_CREATED,
    EVENT_TYPE_DELETED,
    EVENT_TYPE_MODIFIED,
    EVENT_TYPE_MOVED,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer

from brochures.builders.pipeline import BuildResult, Checked, Progress, build
from brochures.builders.plan import Options
from brochures.builders.report import print_problems
from brochures.content.review import build_date
from brochures.problems import Problem
from brochures.resources import LOCALES_DIR, STYLES_DIR, TEMPLATES_DIR

QUIET_SECONDS = 0.1  # a save is over when nothing else moved for this long (an editor's burst takes ms)
WRITES = {EVENT_TYPE_CREATED, EVENT_TYPE_MODIFIED, EVENT_TYPE_DELETED, EVENT_TYPE_MOVED, EVENT_TYPE_CLOSED}
EDITOR_LEFTOVERS = ("~", ".swp", ".swx", ".tmp", ".part")  # backups and temporary files, never inputs
Fingerprint = dict[Path, tuple[int, int]]  # path → (size, modification time in ns)


@dataclass(frozen=True)
class Inputs:
    """The watched folders; what is in them, except outputs, hidden files and editor leftovers."""

    folders: tuple[Path, ...]
    out_dir: Path

    def __contains__(self, path: Path) -> bool:
        if path.is_relative_to(self.out_dir) or path.name.endswith(EDITOR_LEFTOVERS):
            return False
        folder = next((f for f in self.folders if path.is_relative_to(f)), None)
        return folder is not None and not any(part.startswith(".") for part in path.relative_to(folder).parts)

    def fingerprint(self) -> Fingerprint:
        """Size and time of every input file: an event that changed neither needs no rebuild."""
        found: Fingerprint = {}
        for folder in self.folders:
            for path in folder.rglob("*"):
                if path in self and path.is_file():
                    stat = path.stat()
                    found[path] = (stat.st_size, stat.st_mtime_ns)
        return found


class Saves(FileSystemEventHandler):
    """Raises `changed` when an input file is written, moved or deleted."""

    def __init__(self, inputs: Inputs) -> None:
        self.inputs = inputs
        self.changed = threading.Event()

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in WRITES:
            return
        paths = [event.src_path, getattr(event, "dest_path", "")]
        if any(path and Path(os.fsdecode(path)) in self.inputs for path in paths):
            self.changed.set()


def watch(options: Options, quiet: bool = False, on_build: Callable[[BuildResult], None] | None = None,
          jobs: int = 1, scheduler: str | None = None, editions: tuple[str, ...] = (),
          progress: Progress | None = None, checked: Checked | None = None) -> int:
    """Build, then rebuild after each burst of saves until Ctrl-C (exit 0); `on_build` sees each result.

    `jobs`, `scheduler` and `editions` are the build command's (`--jobs`, `--scheduler`, `--edition`):
    each build runs as that command would. `progress` and `checked` hear each build while it runs
    (`pipeline.build`'s): the preview reloads a page as soon as what it shows is written.
    """
    if not options.content_dir.is_dir():
        print_problems([Problem(options.content_dir, "content folder not found; pass --content DIR")])
        return 1
    folders = (options.content_dir, TEMPLATES_DIR, STYLES_DIR, LOCALES_DIR)
    inputs = Inputs(tuple(folder.resolve() for folder in folders), options.out_dir.resolve())
    saves = Saves(inputs)
    observer = Observer()
    for folder in inputs.folders:
        observer.schedule(saves, str(folder), recursive=True)
    observer.start()
    try:
        say(f"watching {', '.join(_display(f) for f in inputs.folders)}; Ctrl-C to stop")
        seen = inputs.fingerprint()
        run = partial(build, jobs=jobs, scheduler=scheduler, editions=editions, progress=progress, checked=checked)
        _after(rebuild(options, None, quiet, run), on_build)
        while True:
            saves.changed.wait()
            while saves.changed.is_set():  # wait for the burst to end
                saves.changed.clear()
                time.sleep(QUIET_SECONDS)
            now = inputs.fingerprint()
            changed = sorted(path for path in seen.keys() | now.keys() if seen.get(path) != now.get(path))
            seen = now
            if changed:
                _after(rebuild(options, changed, quiet, run), on_build)
    except KeyboardInterrupt:
        say("stopped")
        return 0
    finally:
        observer.stop()
        observer.join()


def _after(result: BuildResult | None, on_build: Callable[[BuildResult], None] | None) -> None:
    if result is not None and on_build is not None:
        try:
            on_build(result)
        except Exception:  # a bug in what follows the build: show it, keep watching
            traceback.print_exc()


def rebuild(options: Options, changed: list[Path] | None, quiet: bool,
            run: Callable[..., BuildResult]) -> BuildResult | None:
    """One build with `run`, as the build command would run it now; its problems, then one result line."""
    what, why = ("built", "") if changed is None else ("rebuilt", f" ({_names(changed)} changed)")
    try:
        result = run(replace(options, today=build_date()), first=tuple(changed or ()))
    except Exception:  # a bug: show it, and keep watching so the session is not lost
        traceback.print_exc()
        say(f"{_clock()} the build crashed (a bug, see above){why}; still watching")
        return None
    print_problems(result.problems)
    errors = len({str(p) for p in result.problems if p.severity == "error"})
    if not quiet or errors:
        say(f"{_clock()} {what} {len(result.outputs)} brochure(s), {errors} error(s){why}")
    return result


def say(line: str) -> None:
    """At once, even into a pipe or a log file: someone is waiting for this line."""
    sys.stderr.flush()
    print(line, flush=True)


def _names(paths: list[Path]) -> str:
    more = f" and {len(paths) - 1} more" if len(paths) > 1 else ""
    return _display(paths[0]) + more


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _clock() -> str:
    return time.strftime("%H:%M:%S")
