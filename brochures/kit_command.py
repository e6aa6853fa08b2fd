"""`brochures kit`: one patient's kit, written to the file the user names and nowhere else.

The worker that renders is started first, so that it imports the renderer while this process
reads the password and the content. The password is read from a file or standard input, never
the command line; the file is written atomically (a failure leaves any earlier file as it was)
and readable by its owner only, since it holds the patient's details.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from brochures.arguments import content_folder, kit_parser
from brochures.builders.kit import KIT_FILE_MODE, bug_line, make_kit, start_worker
from brochures.builders.report import print_problems
from brochures.content.catalogue import load_catalogue
from brochures.content.kit import KitForm, RequestError
from brochures.content.settings import format_size
from brochures.files import write_atomic
from brochures.password_input import password_unless
from brochures.problems import ContentError, Problem


def run(argv: list[str]) -> int:
    args = kit_parser().parse_args(argv)
    content = content_folder(args.content)
    if args.patients is not None:
        from brochures.merge_command import run as run_list

        return run_list(args, content)
    problem = _single_problem(args)
    if problem is not None:
        print(problem, file=sys.stderr)
        return 2
    start_worker()
    problem = _output_problem(args.output, content)
    password, problem = password_unless(problem, args.password_file, content)
    if problem is not None:
        print(problem, file=sys.stderr)
        return 2
    form = KitForm(topics=tuple(args.topics), bundle=args.bundle, lang=args.lang, patient_name=args.patient_name,
                   appointment=args.appointment, place=args.place, direct_line=args.direct_line, note=args.note)
    try:
        kit = make_kit(load_catalogue(content), form, args.large_print, args.paper)
        data = kit.data
        if password is not None:
            from brochures.pdf.encrypt import encrypt  # pikepdf: only to lock a kit

            data = encrypt(data, password)
        write_atomic(args.output, data, mode=KIT_FILE_MODE)
    except RequestError as exc:
        print_problems(list(exc.problems))
        return 2
    except ContentError as exc:
        print_problems(list(exc.problems))
        return 1
    except OSError as exc:
        print(Problem(args.output, f"cannot write the kit: {exc.strerror or type(exc).__name__}; check that "
                                   "the folder exists, is writable and has space"), file=sys.stderr)
        return 1
    except Exception as exc:  # a bug: one line without its message, which may quote the patient's details
        print(bug_line(exc), file=sys.stderr)
        return 1
    print_problems(list(kit.warnings))
    locked = ", locked with a password" if password is not None else ""
    print(f"wrote {args.output} ({kit.pages} pages, {format_size(len(data))}{locked})")
    return 0


def _single_problem(args: argparse.Namespace) -> str | None:
    """Why the options of a list are given without one, or a kit without its file; None when right."""
    given = [option for option, value in (("--output-dir", args.output_dir), ("--send", args.send),
                                          ("--dry-run", args.dry_run), ("--only", args.only)) if value]
    if given:
        return f"{given[0]}: goes with --patients FILE.csv, a kit for each row of a list"
    if args.output is None:
        return "--output: name the PDF to write (or give --patients FILE.csv and --output-dir DIR for a list)"
    return None


def _output_problem(output: Path, content: Path) -> str | None:
    """Why the kit may not be written to `output`, in one line; None when it may."""
    if output.is_dir():
        return f"--output: {output} is a folder; name the PDF to write, such as {output / 'kit.pdf'}"
    real = Path(os.path.realpath(output))
    if real.is_relative_to(os.path.realpath(content)):
        return ("--output: the file would be inside the content folder, which a build reads and others may "
                "share; write the kit elsewhere")
    return None
