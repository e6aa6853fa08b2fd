"""Command line: `python build.py` (or `brochures`) builds the catalogue into PDF brochures."""

from __future__ import annotations

import argparse
import gc
import os
import signal
import sys
import time
from pathlib import Path
from typing import Callable, NoReturn, Sequence

from brochures.build.plan import LAYOUTS, Options
from brochures.build.report import (
    REPORT_NAME,
    BuildDisplay,
    print_problems,
    print_summary,
    write_report,
)
from brochures.content.review import build_date
from brochures.content.settings import PAPER_SIZES
from brochures.content.sync import mark_translated
from brochures.problems import ContentError, Problem

DESCRIPTION = """\
Build patient-information brochures (PDF) from Markdown topics.

Commands: build (the default, may be omitted); check (validate the content and the
translations without rendering; `build.py check --help`); mark-translated (record that a
translation is current after review); watch (rebuild on every save; `build.py watch --help`);
serve (watch, plus a local preview with an editorial dashboard; `build.py serve --help`).

Every topic folder <content>/<topic-id>/ holds one Markdown file per language (en.md,
fr.md). Each is built into <out>/<lang>/<topic-id>.pdf, and each bundle of
<content>/bundles.yaml into <out>/<lang>/bundles/<bundle-id>.pdf. With no arguments,
every topic and bundle is built in every site language.
"""
EPILOG = """\
examples:
  python build.py                           build everything into dist/
  python build.py immunotherapy --lang fr   one topic, French only
  python build.py --paper a4 --html         A4 paper, and keep the HTML beside each PDF
  python build.py --bundle starting-immunotherapy --layout booklet
                                            one bundle, plus a booklet to fold
  python build.py --large-print             large-print copies of everything
  python build.py check                     check the content without rendering
  python build.py mark-translated immunotherapy fr   fr.md is current with its source
  python build.py watch --lang fr           rebuild the French brochures on every save

exit status: 0 when every brochure built, 1 when something failed (one line per problem
on stderr, as path:line: message), 2 for a wrong command line.
"""


CHECK_DESCRIPTION = """\
Check every topic without rendering: front matter, related topics, images, raw HTML,
layout-text catalogues, and translation sync: missing translations, stale translations
(their source changed since they were marked) and orphans (their source is gone). Prints
one line per problem and exits 0 when there is no error, 1 otherwise.
"""
MARK_DESCRIPTION = """\
Record that <content>/TOPIC/LANG.md is a current translation of the topic's source, after a
person has compared them: writes the source's fingerprint into its 'translation_of' front-matter
key and changes nothing else in the file. This is the only command that modifies content.
"""

WATCH_DESCRIPTION = """\
Build, then watch the content folder and the project's templates, styles and layout-text
catalogues, and rebuild after each save, with the options of the build command. Prints one
line per rebuild and any problems; a broken file is reported and watching goes on. Ctrl-C
stops it.
"""
STRICT_HELP = ("stale or orphaned translations, and a 'reviewed' date older than site.yaml 'review_months' "
               "(default 24), are errors, not warnings; the day is SOURCE_DATE_EPOCH when set, else today")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        description=DESCRIPTION, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("topics", nargs="*", metavar="TOPIC", help="topic ids to build (default: all)")
    p.add_argument("--content", type=Path, default=Path("content"), metavar="DIR",
                   help="content folder holding topics and site.yaml (default: content)")
    p.add_argument("--out", type=Path, default=Path("dist"), metavar="DIR",
                   help="output folder (default: dist)")
    p.add_argument("--lang", action="append", default=[], metavar="LANG",
                   help="build only this language; repeat for several (default: the site languages)")
    p.add_argument("--bundle", action="append", default=[], metavar="ID",
                   help="build this bundle from bundles.yaml; repeat for several (default with no TOPIC: all)")
    p.add_argument("--paper", choices=PAPER_SIZES, help="paper size (default: site.yaml 'paper', else letter)")
    p.add_argument("--layout", choices=LAYOUTS, default="normal",
                   help="booklet: also write <name>.booklet.pdf, half-size pages imposed two-up for "
                        "duplex printing (flip on short edge), to fold and staple")
    p.add_argument("--large-print", action="store_true",
                   help="write <name>.large-print.pdf instead: 17 pt text, no hyphenation or justification")
    p.add_argument("--print-marks", action="store_true",
                   help="write <name>.print-marks.pdf instead: 3 mm bleed and crop marks for a print shop")
    p.add_argument("--html", action="store_true",
                   help="also write the print HTML beside each PDF, as <name>.print.html, for inspection")
    p.add_argument("--no-web", action="store_true",
                   help="do not write the web edition (index.html, <lang>/index.html, <lang>/<topic>/index.html)")
    p.add_argument("--force", action="store_true", help="render everything, even what is up to date")
    p.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1, metavar="N",
                   help="render in N worker processes (default: the number of cores)")
    p.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    p.add_argument("-v", "--verbose", action="store_true", help="also say why each brochure renders again")
    p.add_argument("--strict", action="store_true", help=STRICT_HELP)
    p.add_argument("--edition", action="append", default=[], metavar="ID",
                   help="build only this edition of <content>/editions.yaml into <out>/<ID>/; repeat for "
                        "several (default: every edition)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="render on the workers of this running Dask scheduler (tcp://host:8786) "
                        "instead of local processes; workers need the project installed, nothing else")
    return p


def check_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=f"{Path(sys.argv[0]).name} check", description=CHECK_DESCRIPTION)
    p.add_argument("--content", type=Path, default=Path("content"), metavar="DIR",
                   help="content folder holding topics and site.yaml (default: content)")
    p.add_argument("--readability", action="store_true",
                   help="also report each topic's reading level against site.yaml 'readability' "
                        "(English: Flesch-Kincaid grade, default at most 8; French: Kandel-Moles, "
                        "default at least 60); a topic off target is an error")
    p.add_argument("--strict", action="store_true", help=STRICT_HELP)
    return p


def mark_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=f"{Path(sys.argv[0]).name} mark-translated", description=MARK_DESCRIPTION)
    p.add_argument("topic", metavar="TOPIC", help="topic id (its folder name)")
    p.add_argument("lang", metavar="LANG", help="language of the reviewed translation, e.g. fr")
    p.add_argument("--content", type=Path, default=Path("content"), metavar="DIR",
                   help="content folder holding topics and site.yaml (default: content)")
    return p


def run() -> NoReturn:
    """The process's entry point: `main`, then exit without a last garbage collection.

    Everything a build made stays alive until the process ends; at exit the collector would walk
    all of it (WeasyPrint's modules, the catalogue) to free nothing that matters, a tenth of a
    second and more. Frozen, it is left to the operating system. Exit handlers and flushing
    happen as usual.
    """
    code = main()
    gc.freeze()
    sys.exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    """Dispatch to a command; a first argument naming no command means `build`."""
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv.pop(0) if argv and argv[0] in COMMANDS else "build"
    return COMMANDS[command](argv)


def run_check(argv: list[str]) -> int:
    from brochures.check import (  # here: a build never needs the checker's Markdown pipeline
        check_catalogue,
        readability_report,
    )

    args = check_parser().parse_args(argv)
    started = time.monotonic()
    problems = check_catalogue(args.content, build_date(), args.strict)
    if args.readability:
        lines, off_target = readability_report(args.content)
        print("\n".join(lines))
        problems += off_target
    print_problems(problems)
    errors = len({str(p) for p in problems if p.severity == "error"})
    print(f"{'failed' if errors else 'ok'}: {errors} error(s), "
          f"{len(problems) - errors} warning(s), {time.monotonic() - started:.2f} s",
          file=sys.stderr if errors else sys.stdout)
    return 1 if errors else 0


def run_mark_translated(argv: list[str]) -> int:
    args = mark_parser().parse_args(argv)
    try:
        path, value = mark_translated(args.content, args.topic, args.lang)
    except ContentError as exc:
        print_problems(list(exc.problems))
        return 1
    print(f"marked {path} as current (translation_of: {value})")
    return 0


def run_build(argv: list[str]) -> int:
    cli = build_parser()
    args = cli.parse_args(argv)
    options = build_options(cli, args)
    if args.scheduler is None:
        from brochures.build.head_start import start_if_needed

        start_if_needed(options, args.force)  # before the imports below: it overlaps them
    from brochures.build.pipeline import build  # here: `check` needs none of the build

    signal.signal(signal.SIGTERM, _interrupted)
    try:
        with BuildDisplay(quiet=args.quiet, verbose=args.verbose) as display:
            result = build(options, force=args.force, jobs=args.jobs, progress=display,
                           scheduler=args.scheduler, editions=tuple(args.edition))
    except KeyboardInterrupt:
        print("interrupted: finished brochures are kept, nothing half-written was left; "
              "run the build again to finish the job", file=sys.stderr)
        return 130
    if options.out_dir.is_dir():
        try:
            write_report(result, options.out_dir)
        except OSError as exc:
            result.problems.append(Problem(options.out_dir / REPORT_NAME, f"cannot write the build report: "
                                           f"{exc.strerror or exc}; check that the output folder has space"))
    print_summary(result, quiet=args.quiet)
    return 0 if result.ok else 1


def build_options(cli: argparse.ArgumentParser, args: argparse.Namespace) -> Options:
    """The build's options from its command line; `watch` takes the same ones."""
    if args.print_marks and args.layout == "booklet":
        cli.error("--print-marks gives a print shop single pages to impose itself; "
                  "do not combine it with --layout booklet")
    return Options(
        content_dir=args.content,
        out_dir=args.out,
        topics=tuple(args.topics),
        bundles=tuple(args.bundle),
        layout=args.layout,
        large_print=args.large_print,
        print_marks=args.print_marks,
        langs=tuple(args.lang),
        paper=args.paper,
        write_html=args.html,
        web=not args.no_web,
        strict=args.strict,
    )


def watch_parser() -> argparse.ArgumentParser:
    p = build_parser()
    p.prog = f"{Path(sys.argv[0]).name} watch"
    p.description = WATCH_DESCRIPTION
    p.epilog = None
    return p


def run_watch(argv: list[str]) -> int:
    cli = watch_parser()
    args = cli.parse_args(argv)
    from brochures.build.watch import (
        watch,  # here: it prints like this module, and only watching needs watchdog
    )

    signal.signal(signal.SIGTERM, _interrupted)  # stopped by a service manager: as cleanly as by Ctrl-C
    return watch(build_options(cli, args), quiet=args.quiet, jobs=args.jobs, scheduler=args.scheduler,
                 editions=tuple(args.edition))


SERVE_DESCRIPTION = """\
Build, then serve the output folder for a local preview and rebuild after each save, like watch.
Open the address it prints: the editorial dashboard (status, reviews, translations, reading
level, PDFs and the problems of the last build), each brochure's pages beside its web page, and
the web edition at /index.html. Open pages reload by themselves after each rebuild. Listens on
127.0.0.1 only, unless --bind names another address. Ctrl-C stops it.
"""


def serve_parser() -> argparse.ArgumentParser:
    p = build_parser()
    p.prog = f"{Path(sys.argv[0]).name} serve"
    p.description = SERVE_DESCRIPTION
    p.epilog = None
    p.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000; 0: any free port)")
    p.add_argument("--bind", default="127.0.0.1", metavar="ADDRESS",
                   help="address to listen on (default 127.0.0.1, this computer only); another one makes "
                        "the preview and its dashboard visible to other computers")
    return p


def run_serve(argv: list[str]) -> int:
    cli = serve_parser()
    args = cli.parse_args(argv)
    from brochures.serve import serve  # here: only the preview needs the server and pypdfium2

    signal.signal(signal.SIGTERM, _interrupted)
    return serve(build_options(cli, args), host=args.bind, port=args.port, quiet=args.quiet, jobs=args.jobs,
                 scheduler=args.scheduler, editions=tuple(args.edition))


def _interrupted(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


COMMANDS: dict[str, Callable[[list[str]], int]] = {"build": run_build, "check": run_check,
                                                   "mark-translated": run_mark_translated, "watch": run_watch,
                                                   "serve": run_serve}

if __name__ == "__main__":
    sys.exit(main())
