"""Start the first render worker while the build is still planning.

Importing WeasyPrint takes longer than loading and planning a catalogue. A build that will
render starts a worker at once, which imports the renderer while this process imports the
build, loads the content and compares it with the build record; the first document then
goes to a warm worker. Whether there will be work is guessed from modification times, never
trusted: the record decides what renders (by content hashes). A wrong "yes" costs a worker
stopped unused; a wrong "no" only the head start.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from brochures.builders.plan import Options
from brochures.builders.record import RECORD_NAME
from brochures.builders.work import JobResult, Task
from brochures.builders.workers import shared_pool
from brochures.problems import Problem
from brochures.resources import LOCALES_DIR, STYLES_DIR, TEMPLATES_DIR

if TYPE_CHECKING:
    from brochures.builders.web_pages import TopicPage


def render_and_write(task: Task | TopicPage) -> JobResult | tuple[dict[str, bytes], list[Problem]]:
    """The render workers' work: `tasks.run_task`, imported in the worker that runs it; or a topic
    page of the web edition (`web_pages.py`), so that it goes to a worker already warm."""
    if not isinstance(task, Task):
        from brochures.builders.web_pages import make_topic_page

        return make_topic_page(task)
    from brochures.builders.tasks import run_task

    return run_task(task)


def warm_renderer() -> None:
    """`tasks.warm_up`, imported in the worker that runs it."""
    from brochures.builders.tasks import warm_up

    warm_up()


def import_before_threads() -> None:
    """Import what rendering imports on first use (the renderer, Markdown's extensions), in a process
    that is about to start threads and will fork render workers from them (`serve`).

    A module being imported holds a lock until its import ends; a process forked meanwhile from
    another thread inherits that lock held by a thread it does not have, and hangs the first time it
    imports that module (a kit asked for while the dashboard converted its first Markdown). Once
    everything is imported, imports only look modules up.
    """
    import email.contentmanager  # noqa: F401  WeasyPrint reads a fetched file's headers with these
    import email.headerregistry  # noqa: F401
    import email.policy  # noqa: F401
    import encodings.utf_8_sig  # noqa: F401  a file read with its byte-order mark
    import multiprocessing.popen_fork  # noqa: F401  the first fork imports it

    import babel.numbers  # noqa: F401  Babel's dates import it on first use (a kit's appointment)
    import segno  # noqa: F401  QR codes

    from brochures.html.markdown_html import markdown_to_html
    from brochures.pdf.field_font import font_metrics

    warm_renderer()
    markdown_to_html("*a* [b](#c)\n\n- [ ] d")
    font_metrics()  # the face form fields are typed in, read with fontTools


def start_if_needed(options: Options, force: bool) -> None:
    """Start one warm-up worker in this process's render pool when the build looks like it will render."""
    if force or will_render(options):
        shared_pool(render_and_write).start_worker(warm_renderer)


def will_render(options: Options) -> bool:
    """True when an output folder has no build record yet, or something the build reads changed
    after the oldest record was written."""
    out = options.out_dir
    records = [out / RECORD_NAME]
    if not records[0].is_file():  # with editions.yaml, each edition's folder has its record
        records = [folder / RECORD_NAME for folder in _subfolders(out)]
    try:
        recorded = min(os.stat(record).st_mtime_ns for record in records) if records else None
    except OSError:
        return True
    if recorded is None:
        return True
    skipped = str(out.resolve())  # the build's own files, when --out is inside the content folder
    return any(_changed_after(folder.resolve(), recorded, skipped)
               for folder in (options.content_dir, TEMPLATES_DIR, STYLES_DIR, LOCALES_DIR))


def _subfolders(folder: Path) -> list[Path]:
    try:
        return [Path(entry.path) for entry in os.scandir(folder) if entry.is_dir(follow_symlinks=False)]
    except OSError:
        return []


def _changed_after(folder: Path, time_ns: int, skipped: str) -> bool:
    """Whether a file or folder under `folder`, outside `skipped`, was modified after `time_ns`
    (links not followed)."""
    pending = [str(folder)]
    while pending:
        try:
            entries = list(os.scandir(pending.pop()))
        except OSError:
            continue
        for entry in entries:
            if entry.path == skipped:
                continue
            try:
                if entry.stat(follow_symlinks=False).st_mtime_ns > time_ns:
                    return True
            except OSError:
                continue
            if entry.is_dir(follow_symlinks=False):
                pending.append(entry.path)
    return False
