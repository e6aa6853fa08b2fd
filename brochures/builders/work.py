"""What a render task is and what it gives back: plain, picklable data.

Kept apart from `tasks.py`, which renders, so that planning a build, a no-op rebuild and `check`
never import the renderer (WeasyPrint alone takes a third of a second to import).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from brochures.builders.plan import Job, Options
from brochures.content.catalogue import Catalogue
from brochures.content.kit import Personal
from brochures.content.settings import format_size
from brochures.pdf.variants import Variant
from brochures.problems import Problem
from brochures.resources import DATA_ROOT


@dataclass(frozen=True)
class Output:
    path: Path
    pages: int
    size: int  # bytes, for the build report and the mailing limit

    def describe(self) -> str:
        pages = f"{self.pages} page{'s' if self.pages != 1 else ''}"
        return f"{self.path} ({pages}, {format_size(self.size)})"


@dataclass(frozen=True)
class RenderedFile:
    """A finished file not yet written: what a remote worker sends back to the client."""

    path: Path
    data: bytes
    pages: int
    html: str | None  # written beside the PDF with --html


@dataclass
class JobResult:
    outputs: list[Output] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: list[RenderedFile] = field(default_factory=list)  # rendered elsewhere, for the client to write


@dataclass(frozen=True)
class Task:
    """Everything a worker needs to render one job (all of it can be pickled).

    `project_root` holds the shipped templates, styles and locales folders (`resources.py`)
    here, a copy sent with the task on a cluster worker. `personal` is a patient's kit's cover
    letter (builders/kit.py): such a task only goes to this machine's workers, never written.
    """

    catalogue: Catalogue
    job: Job
    variant: Variant
    options: Options
    project_root: Path = DATA_ROOT
    personal: Personal | None = None
