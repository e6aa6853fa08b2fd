"""Tell people what a build did: progress while it runs, a summary, and build-report.json.

A progress bar on a terminal (rich); plain lines when the output is a log or CI. Results go
to stdout, problems to stderr, so that scripts can tell them apart.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from brochures.content.settings import format_size
from brochures.files import write_atomic
from brochures.problems import Problem

if TYPE_CHECKING:
    from rich.progress import Progress

    from brochures.builders.pipeline import BuildResult

REPORT_NAME = "build-report.json"


class BuildDisplay:
    """Receives the pipeline's events; `verbose` says why each output renders again."""

    def __init__(self, quiet: bool = False, verbose: bool = False, stream: TextIO | None = None) -> None:
        self.quiet, self.verbose = quiet, verbose
        self.stream = stream or sys.stdout
        self.bar: Progress | None = None
        self.task = None
        self.total = 0

    def __enter__(self) -> BuildDisplay:
        if not self.quiet and self.stream.isatty():
            from rich.console import Console  # only for a terminal: rich takes time to import
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                TimeElapsedColumn(), console=Console(file=self.stream), transient=True)
            self.bar.start()
            self.task = self.bar.add_task("rendering", total=0)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()

    def __call__(self, event: str, job_id: str, detail: str) -> None:
        if event == "plan":
            self.total += 1
            if self.bar is not None:
                self.bar.update(self.task, total=self.total)
            if self.verbose:
                self._line(f"{job_id}: {detail}")
        elif event in ("rendered", "failed"):
            if self.bar is not None:
                self.bar.update(self.task, advance=1, description=job_id)
            if event == "rendered" and not self.quiet:
                for output in detail.splitlines():
                    self._line(f"built {output}")
        elif event == "unchanged" and self.verbose:
            self._line(f"unchanged {job_id}")

    def _line(self, text: str) -> None:
        if self.bar is not None:
            self.bar.console.print(text, markup=False, highlight=False)
        else:
            print(text, file=self.stream, flush=True)


def print_summary(result: BuildResult, quiet: bool) -> None:
    """Every problem once on stderr (warnings first), then one summary line."""
    print_problems(result.problems)
    if quiet and result.ok:
        return
    pages = sum(output.pages for output in result.outputs)
    size = sum(output.size for output in result.outputs)
    line = (f"{'done' if result.ok else 'failed'}: {len(result.rendered)} rendered, {len(result.unchanged)} "
            f"unchanged, {len(result.removed)} removed, {len(result.failed)} failed; {pages} pages "
            f"({format_size(size) if size else '0 KB'}) written in {result.seconds:.1f} s")
    if result.web:
        print(f"web edition: {len(result.web)} file(s) written")
    for rel in result.removed:
        print(f"removed {rel} (its topic, bundle or language no longer exists)")
    print(line, file=sys.stdout if result.ok else sys.stderr)


def print_problems(problems: list[Problem]) -> None:
    """One line each on stderr, warnings first so that errors end the output; no repeats."""
    seen: set[str] = set()
    for problem in sorted(problems, key=lambda p: p.severity != "warning"):
        line = str(problem)
        if line not in seen:
            seen.add(line)
            print(line, file=sys.stderr)


def write_report(result: BuildResult, out_dir: Path) -> Path:
    """The same facts as the summary, for scripts and dashboards."""
    data = {
        "ok": result.ok,
        "rendered": result.rendered,
        "unchanged": result.unchanged,
        "removed": result.removed,
        "failed": [{"output": job_id, "reason": reason} for job_id, reason in result.failed.items()],
        "outputs": [{"path": str(o.path.relative_to(out_dir)), "pages": o.pages, "bytes": o.size}
                    for o in result.outputs],
        "pages_written": sum(o.pages for o in result.outputs),
        "web": [str(o.path.relative_to(out_dir)) for o in result.web],  # files of the web edition written
        "seconds": round(result.seconds, 3),
        "problems": [{"severity": p.severity, "path": str(p.path) if p.path else None, "line": p.line,
                      "message": p.message} for p in result.problems],
    }
    path = out_dir / REPORT_NAME
    write_atomic(path, json.dumps(data, indent=2, ensure_ascii=False).encode("utf-8"))
    return path
