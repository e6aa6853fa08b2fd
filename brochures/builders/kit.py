"""Make one patient's kit: a cover letter, the chosen brochures as in a bundle, the questions page,
in one tagged PDF, held in memory for the caller to write (the `kit` command) or send (the preview).

The kit is one render task like a bundle's (builders/tasks.py, the same templates and PDF
finishing path), with the cover letter's personal part carried on the task as data the
template prints: it is never compiled into a template, recorded, cached or written anywhere but
the caller's file. It renders in a worker process of its own pool, bounded in time and memory
like every render, and comes back through the pipe rather than a file. A failure is reported in
lines that never repeat the patient's details: a bug names its exception type and place only.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass, replace
from pathlib import Path

from brochures.builders.budget import limit_reached, task_budget
from brochures.builders.head_start import warm_renderer
from brochures.builders.plan import Job, Options
from brochures.builders.work import JobResult, Task
from brochures.builders.workers import Failure, shared_pool
from brochures.content.bundles import Bundles, load_bundles
from brochures.content.catalogue import Catalogue
from brochures.content.kit import KitForm, RequestError, read_request
from brochures.html.fonts import missing_characters
from brochures.pdf.variants import Variant
from brochures.problems import ContentError, Problem, has_errors
from brochures.resources import DATA_ROOT

TEMPLATE = "kit.html.j2"
NAME = "kit"
KIT_FILE_MODE = 0o600  # the patient's details: not for the computer's other users


@dataclass(frozen=True)
class Kit:
    data: bytes
    pages: int
    warnings: tuple[Problem, ...]  # about the content (a draft topic...), never the patient


def render_kit(task: Task) -> JobResult:
    """The kit workers' work: render, never write; any exception a line without its message."""
    try:
        from brochures.builders.tasks import render_task

        files, problems = render_task(task)
    except (MemoryError, RecursionError):
        raise  # a limit reached: the pool says which (builders/budget.py)
    except Exception as exc:  # a bug: its message may quote what it was given
        return JobResult(problems=[Problem(None, bug_line(exc))])
    # without the HTML page, which holds the patient's details and is needed no further
    return JobResult(problems=problems, files=[replace(file, html=None) for file in files])


def start_worker() -> None:
    """A kit worker started now, importing the renderer while this process reads the content."""
    shared_pool(render_kit).start_worker(warm_renderer)


def bug_line(exc: BaseException) -> str:
    """One line for a bug: the exception's type and where it was raised, not its message."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
    return (f"the kit was not made: a bug in brochures ({type(exc).__name__}{where}); please report it "
            "(its message is left out, since it may hold the patient's details)")


def make_kit(catalogue: Catalogue, form: KitForm, large_print: bool = False, paper: str | None = None,
             project_root: Path = DATA_ROOT) -> Kit:
    """The kit as PDF bytes; a `ContentError` with every problem when it cannot be made."""
    check_site(catalogue)
    bundles = load_bundles(catalogue) if form.bundle else Bundles()
    return finished(_run(kit_task(catalogue, bundles, form, large_print, paper, project_root)))


def check_site(catalogue: Catalogue) -> None:
    """A `ContentError` when site.yaml is wrong: no kit is made with a wrong phone number."""
    site_problems = [p for p in catalogue.problems if p.severity == "error"
                     and p.path is not None and p.path.name == "site.yaml"]
    if site_problems:
        raise ContentError(*site_problems)


def kit_task(catalogue: Catalogue, bundles: Bundles, form: KitForm, large_print: bool = False,
             paper: str | None = None, project_root: Path = DATA_ROOT) -> Task:
    """The render task of a kit; a `RequestError` with every mistake in the request."""
    request = read_request(form, catalogue, bundles)
    unprintable = [Problem(None, f"{option}: the character U+{ord(char):04X} is in none of the shipped fonts "
                                 "and would print as an empty box; write it with other letters")
                   for option, text in request.personal.texts().items() for char in missing_characters(text)[:1]]
    if unprintable:
        raise RequestError(*unprintable)
    site, translations = catalogue.site, request.translations
    # The title is the template's ("Information from <organisation>"); no summary: the PDF's
    # subject would name the topics, which say what the patient is treated for.
    job = Job(NAME, request.lang, TEMPLATE, translations, "", None, translations[0].src_path)
    # out_dir only names the rendered file in messages ("kit.pdf"): nothing is written there
    options = Options(content_dir=catalogue.content_dir, out_dir=Path("."), large_print=large_print, paper=paper)
    variant = Variant(paper=paper or site.paper, large_print=large_print)
    return Task(catalogue, job, variant, options, project_root, personal=request.personal)


def finished(result: JobResult) -> Kit:
    """The kit a render task gave back; a `ContentError` when it failed."""
    if has_errors(result.problems) or not result.files:
        raise ContentError(*(result.problems or [Problem(None, "the kit was not made")]))
    file = result.files[0]
    return Kit(file.data, file.pages, tuple(result.problems))


def _run(task: Task) -> JobResult:
    for _, outcome in shared_pool(render_kit).run([task], [0], 1, task_budget, limit_reached):
        if isinstance(outcome, Failure):
            return JobResult(problems=[Problem(None, outcome.reason)])
        return outcome
    return JobResult()
