"""What one render task may use (site.yaml `limits:`), and the line said when it used too much.

Shared by the local build, the Dask workers and the web edition's pages, so that a document over a
limit fails with the same message wherever it was made.
"""

from __future__ import annotations

from typing import Protocol

from brochures.builders.plan import Job
from brochures.builders.workers import Budget
from brochures.content.catalogue import Catalogue


class Bounded(Protocol):
    """A unit of work for a worker: a render task, or a web page (`web_pages.py`)."""

    @property
    def catalogue(self) -> Catalogue: ...

    @property
    def job(self) -> Job: ...


def task_budget(task: Bounded) -> Budget:
    limits = task.catalogue.site.limits
    return Budget(limits.render_seconds, limits.render_memory_mb * 1024 * 1024)


def limit_reached(task: Bounded, what: str) -> str:
    """One line for a document whose worker failed: which limit, and how to change it."""
    limits, name = task.catalogue.site.limits, f"{task.job.lang}/{task.job.name}"
    if what == "time":
        return f"{name} not built: rendering took too long ({limits.hint('render_seconds')})"
    if what == "memory":
        return f"{name} not built: rendering needed too much memory ({limits.hint('render_memory_mb')})"
    if what == "recursion":
        return f"{name} not built: the document is nested too deeply to lay out ({limits.hint('nesting')})"
    if what == "signal:SIGKILL":
        return (f"{name} not built: the process rendering it was killed (out of memory? "
                f"{limits.hint('render_memory_mb')}); the build went on")
    return f"{name} not built: the process rendering it stopped ({what}); the build went on"
