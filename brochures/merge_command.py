"""`brochures kit --patients FILE.csv --output-dir DIR [--send]`: a kit for each row of a list.

Whatever can be refused is refused before anything renders: a wrong list header, a missing
password when sending (a kit is sent only locked), `mail:` settings missing, the e-mail's words
missing in a patient's language, a mail server that cannot be reached or refuses the login.
Then each row is made as a single kit is, and what became of every row is said at the end:
which ids were sent, which were not, and the `--only` that sends just those.

The mail server's password comes from the environment and is taken out of it before any
worker starts, so that no render process holds it.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from brochures.builders.kit import check_site, start_worker
from brochures.builders.mail_message import KitMail
from brochures.builders.mail_sender import DryRunOutbox, SmtpOutbox, Stopped
from brochures.builders.merge import MergeOptions, MergeResult, make_kits
from brochures.builders.report import BuildDisplay, print_problems
from brochures.content.catalogue import Catalogue, load_catalogue
from brochures.content.kit import KitForm
from brochures.content.mail_settings import PASSWORD_VARIABLE
from brochures.content.patients import PatientList, read_patients
from brochures.password_input import password_unless
from brochures.problems import ContentError, Problem

DIR_MODE = 0o700  # the kits' folder, made when missing: the computer's other users have no need of it


def run(args: argparse.Namespace, content: Path) -> int:
    smtp_password = os.environ.pop(PASSWORD_VARIABLE, None)  # before any worker is forked
    sending = args.send or args.dry_run  # --dry-run: as --send, each message written instead
    start_worker()
    problem = _options_problem(args, content)
    password, problem = password_unless(problem, args.password_file, content)
    if problem is not None:
        print(problem, file=sys.stderr)
        return 2
    defaults = KitForm(topics=tuple(args.topics), bundle=args.bundle, lang=args.lang, appointment=args.appointment,
                       place=args.place, direct_line=args.direct_line, note=args.note)
    only = frozenset(i for value in args.only for i in value.split(",") if i) or None
    try:
        catalogue = load_catalogue(content)
        check_site(catalogue)
        patients = read_patients(args.patients, defaults, only)
    except ContentError as exc:
        print_problems(list(exc.problems))
        return 2
    mail = KitMail(catalogue, catalogue.site.mail) if sending and catalogue.site.mail is not None else None
    if Path(os.path.realpath(args.patients)).is_relative_to(os.path.realpath(content)):
        print(Problem(args.patients, "the list is inside the content folder, which others read and version control "
                                     "may keep; keep lists of patients elsewhere", severity="warning"), file=sys.stderr)
    problems = _sending_problems(catalogue, patients, args, password, smtp_password, mail) if sending else []
    if password is not None and "password" in patients.columns:
        problems.append(Problem(None, "--password-file: the list has a password column; give the passwords one way, "
                                      "not both"))
    problems += [Problem(None, f"--only: no row of the list has the id '{i}'") for i in sorted((only or set()) -
                                                                                                set(patients.ids))]
    if problems:
        print_problems(problems)
        return 2
    try:
        args.output_dir.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    except OSError as exc:
        print(f"--output-dir: cannot make {args.output_dir}: {exc.strerror}", file=sys.stderr)
        return 1
    outbox = None
    if sending:
        assert catalogue.site.mail is not None
        outbox = DryRunOutbox(args.output_dir) if args.dry_run else SmtpOutbox(catalogue.site.mail, smtp_password)
        try:
            outbox.open()
        except Stopped as exc:
            print(f"{exc}; nothing was made or sent", file=sys.stderr)
            return 1
    options = MergeOptions(args.output_dir, args.large_print, args.paper, args.jobs, password, mail, outbox)
    try:
        with BuildDisplay(quiet=args.quiet) as display:
            result = make_kits(catalogue, patients, options, display)
    finally:
        if outbox is not None:
            outbox.close()
    return _report(result, patients, args, sending)


def _options_problem(args: argparse.Namespace, content: Path) -> str | None:
    """Why these options cannot make kits for a list, in one line; None when they can."""
    if args.output is not None:
        return "--output names one kit's file; with --patients, give the folder for every kit: --output-dir DIR"
    if args.patient_name:
        return "--patient-name: with --patients, each row has its own name (the name column)"
    if args.output_dir is None:
        return "--output-dir: name the folder to write each row's kit into, as <id>.pdf"
    if args.output_dir.exists() and not args.output_dir.is_dir():
        return f"--output-dir: {args.output_dir} is a file; name a folder"
    if Path(os.path.realpath(args.output_dir)).is_relative_to(os.path.realpath(content)):
        return ("--output-dir: the folder is inside the content folder, which a build reads and others may share; "
                "write the kits elsewhere")
    return None


def _sending_problems(catalogue: Catalogue, patients: PatientList, args: argparse.Namespace, password: str | None,
                      smtp_password: str | None, mail: KitMail | None) -> list[Problem]:
    """What stops the kits from being sent (or written as messages), before anything is made."""
    site = catalogue.site
    if password is None and "password" not in patients.columns:
        return [Problem(None, "--send: a kit is sent only locked with a password; add a password column to the "
                              "list, or give --password-file FILE for every kit")]
    if "email" not in patients.columns:
        return [Problem(patients.path, "--send: the list has no email column: nowhere to send the kits", 1)]
    if site.mail is None or mail is None:
        return [Problem(catalogue.content_dir / "site.yaml", "--send: no 'mail:' settings for the clinic's mail "
                                                             "server (host, port, from, security, username)")]
    problems = []
    if site.mail.username is not None and smtp_password is None and not args.dry_run:
        problems.append(Problem(None, f"--send: the mail server's login needs its password in the environment "
                                      f"variable {PASSWORD_VARIABLE}"))
    langs = {patient.form.lang or site.languages[0] for patient in patients.patients}
    return problems + mail.problems(langs & set(site.languages))


def _report(result: MergeResult, patients: PatientList, args: argparse.Namespace, sending: bool) -> int:
    """Every problem, then what was made and sent, by id; the exit status."""
    print_problems(result.warnings + sorted(result.failed, key=lambda p: p.line or 0))
    if result.interrupted:
        print("interrupted", file=sys.stderr)
    if sending:
        sent = set(result.sent)
        unsent = [kit_id for kit_id in patients.ids if kit_id not in sent]
        done = "messages written (.eml), not sent" if args.dry_run else "sent"
        if result.stopped:
            print(f"sending stopped: {result.stopped}", file=sys.stderr)
        in_order = [kit_id for kit_id in patients.ids if kit_id in sent]
        print(f"{done}: {' '.join(in_order) or 'none'}", file=sys.stderr if unsent else sys.stdout)
        if unsent and not args.dry_run:
            print(f"not sent: {' '.join(unsent)}\nto send just these once the cause is fixed, run the same command "
                  f"with --only {' '.join(unsent)}", file=sys.stderr)
    ok = result.ok and len(result.written) == len(patients.ids)
    failed = len({p.line for p in result.failed})
    print(f"{'done' if ok else 'failed'}: {len(result.written)} kit(s) written into {args.output_dir}"
          + (f"; {failed} row(s) failed" if failed else ""), file=sys.stdout if ok else sys.stderr)
    return 130 if result.interrupted else 0 if ok else 1
