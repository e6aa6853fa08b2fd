"""Kits for a whole list of patients: one locked PDF per row, rendered in parallel like a build,
written as `<id>.pdf` and, when asked, sent to each patient as soon as it is made.

Every row is checked as a single kit is (builders/kit.py), before its kit renders; a wrong row
is one problem line `FILE.csv:ROW: message` and the others go on. Each kit renders in a worker
of the kit pool, bounded as every render is, and comes back through the pipe; this process locks
it, writes it and hands it to the outbox. Nothing about the rows is kept anywhere else: the
list is read in memory, no record is written, and the lines printed name rows by their id.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from email.message import EmailMessage
from pathlib import Path
from typing import Callable, Protocol

from brochures.builders.budget import limit_reached, task_budget
from brochures.builders.kit import KIT_FILE_MODE, bug_line, finished, kit_task, render_kit
from brochures.builders.mail_message import KitMail
from brochures.builders.mail_sender import Refused, Stopped
from brochures.builders.work import JobResult, Task
from brochures.builders.workers import Failure, shared_pool
from brochures.content.bundles import load_bundles
from brochures.content.catalogue import Catalogue
from brochures.content.patients import Patient, PatientList
from brochures.content.settings import format_size
from brochures.files import write_atomic
from brochures.problems import ContentError, Problem

# The single kit's options, as the list's columns say them.
COLUMN_OF_OPTION = {"--patient-name": "name", "--direct-line": "direct_line", "--appointment": "appointment",
                    "--lang": "lang", "--bundle": "bundle", "--place": "place", "--note": "note"}


class Outbox(Protocol):
    def send(self, kit_id: str, message: EmailMessage) -> None: ...

    def describe(self, kit_id: str) -> str: ...


@dataclass(frozen=True)
class MergeOptions:
    output_dir: Path
    large_print: bool = False  # a row's large_print cell says otherwise
    paper: str | None = None
    jobs: int = 1
    password: str | None = None  # --password-file: the password of every kit without its own
    mail: KitMail | None = None  # with an outbox: each kit is sent to the row's address
    outbox: Outbox | None = None


@dataclass
class MergeResult:
    list_path: Path
    written: list[str] = field(default_factory=list)  # ids
    sent: list[str] = field(default_factory=list)
    failed: list[Problem] = field(default_factory=list)  # one line per problem of a row
    warnings: list[Problem] = field(default_factory=list)  # about the content, never a patient
    stopped: str | None = None  # why sending ended early
    interrupted: bool = False

    @property
    def ok(self) -> bool:
        return not self.failed and self.stopped is None and not self.interrupted


Display = Callable[[str, str, str], None]


def make_kits(catalogue: Catalogue, patients: PatientList, options: MergeOptions, display: Display) -> MergeResult:
    """Every row's kit written into `options.output_dir` (and sent); what became of each."""
    result = MergeResult(patients.path, failed=list(patients.problems))
    bundles = load_bundles(catalogue)
    ready: list[tuple[Patient, str | None, Task]] = []
    for patient in patients.patients:
        password, problems = _password(patient, options)
        large_print = options.large_print if patient.large_print is None else patient.large_print
        try:
            task = kit_task(catalogue, bundles, patient.form, large_print, options.paper)
        except ContentError as exc:
            problems = [*exc.problems, *problems]
        if problems:
            _fail(result, patient, problems)
            continue
        ready.append((patient, password, task))
        display("plan", patient.id, "")
    tasks = [task for _, _, task in ready]
    try:
        for index, outcome in shared_pool(render_kit).run(tasks, range(len(tasks)), options.jobs, task_budget,
                                                          limit_reached):
            patient, password, task = ready[index]
            try:
                _finish(patient, password, task, outcome, options, result, display)
            except Exception as exc:  # a bug: one line without its message, which may quote the row
                _fail(result, patient, [Problem(None, bug_line(exc))])
                display("failed", patient.id, "")
    except KeyboardInterrupt:
        result.interrupted = True
    return result


def _password(patient: Patient, options: MergeOptions) -> tuple[str | None, list[Problem]]:
    """The row's password (its own, else the run's), and what stops its kit from being locked or sent."""
    password = patient.password if patient.password is not None else options.password
    problems = []
    if password is not None:
        from brochures.pdf.encrypt import password_problem  # pikepdf: only to lock kits

        why = password_problem(password)
        problems = [Problem(None, f"password: {why}")] if why else []
    if options.outbox is not None and patient.email is None:
        problems.append(Problem(None, "email: empty; --send mails each kit to the address in the email column"))
    return password, problems


def _finish(patient: Patient, password: str | None, task: Task, outcome: JobResult | Failure,
            options: MergeOptions, result: MergeResult, display: Display) -> None:
    """Lock, write and send one rendered kit; its problems go to `result`."""
    try:
        if isinstance(outcome, Failure):
            raise ContentError(Problem(None, outcome.reason))
        kit = finished(outcome)
        result.warnings.extend(kit.warnings)
        data = kit.data
        if password is not None:
            from brochures.pdf.encrypt import encrypt

            data = encrypt(data, password)
        path = options.output_dir / f"{patient.id}.pdf"
        write_atomic(path, data, mode=KIT_FILE_MODE)
    except ContentError as exc:
        _fail(result, patient, exc.problems)
        display("failed", patient.id, "")
        return
    except OSError as exc:
        _fail(result, patient, [Problem(None, f"cannot write the kit: {exc.strerror or type(exc).__name__}; check "
                                              "that the output folder is writable and has space")])
        display("failed", patient.id, "")
        return
    result.written.append(patient.id)
    said = f"{path} ({kit.pages} pages, {format_size(len(data))}{', locked' if password else ''})"
    if options.outbox is not None and options.mail is not None and result.stopped is None:
        assert patient.email is not None
        try:
            options.outbox.send(patient.id, options.mail.message(task, patient.email, data))
        except Refused as exc:
            _fail(result, patient, [Problem(None, f"not sent: {exc}")])
        except Stopped as exc:
            result.stopped = str(exc)
        else:
            result.sent.append(patient.id)
            said += f"; {options.outbox.describe(patient.id)}"
    display("rendered", patient.id, said)


def _fail(result: MergeResult, patient: Patient, problems: tuple[Problem, ...] | list[Problem]) -> None:
    """The row's problems as lines of the list, `FILE.csv:ROW: message`, each option named as its column;
    a problem in the content (a topic file) is said whole after the row."""
    for problem in problems:
        option, sep, rest = problem.message.partition(": ")
        message = f"{COLUMN_OF_OPTION[option]}: {rest}" if sep and option in COLUMN_OF_OPTION else problem.message
        if problem.path is not None:
            message = str(replace(problem, message=message))
        result.failed.append(Problem(result.list_path, message, patient.row))
