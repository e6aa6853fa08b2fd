"""What one render task may use (site.yaml `limits:`), and the line said when it used too much.

Shared by the local build and the Dask workers, so that a document over a limit fails with the
same message wherever it was rendered.
"""

from __future__ import annotations

from brochures.builders.work import Task
from brochures.builders.workers import Budget


def task_budget(task: Task) -> Budget:
    limits = task.catalogue.site.limits
    return Budget(limits.render_seconds, limits.render_memory_mb * 1024 * 1024)


def limit_reached(task: Task, what: str) -> str:
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
