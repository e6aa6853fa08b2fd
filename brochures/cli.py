"""Command line: `brochures` (or `python build.py` in a checkout) builds the catalogue into PDF
brochures; its other commands start, check, watch and preview a content folder."""

from __future__ import annotations

import argparse
import gc
import signal
import sys
import time
from typing import Callable, NoReturn, Sequence

from brochures.arguments import (
    build_parser,
    check_parser,
    content_folder,
    mark_parser,
    new_parser,
    serve_parser,
    watch_parser,
)
from brochures.builders.plan import Options
from brochures.builders.report import (
    REPORT_NAME,
    BuildDisplay,
    print_problems,
    print_summary,
    write_report,
)
from brochures.content.review import build_date
from brochures.content.sync import mark_translated
from brochures.problems import ContentError, Problem


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
    content = content_folder(args.content)
    started = time.monotonic()
    problems = check_catalogue(content, build_date(), args.strict)
    if args.readability:
        lines, off_target = readability_report(content)
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
        path, value = mark_translated(content_folder(args.content), args.topic, args.lang)
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
        # What both this process and the render workers need (the page templates' and the web
        # pages' modules, Jinja2) is imported before the first worker forks, which inherits it;
        # the renderer (WeasyPrint), which only workers need, is imported after, in the worker,
        # while this process loads and plans the catalogue.
        import brochures.builders.head_start as head_start
        import brochures.builders.tasks  # noqa: F401
        import brochures.builders.web_pages  # noqa: F401

        head_start.start_if_needed(options, args.force)
    from brochures.builders.pipeline import build  # here: `check` needs none of the build

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
        content_dir=content_folder(args.content),
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


def run_watch(argv: list[str]) -> int:
    cli = watch_parser()
    args = cli.parse_args(argv)
    from brochures.builders.watch import (
        watch,  # here: it prints like this module, and only watching needs watchdog
    )

    signal.signal(signal.SIGTERM, _interrupted)  # stopped by a service manager: as cleanly as by Ctrl-C
    return watch(build_options(cli, args), quiet=args.quiet, jobs=args.jobs, scheduler=args.scheduler,
                 editions=tuple(args.edition))


def run_serve(argv: list[str]) -> int:
    cli = serve_parser()
    args = cli.parse_args(argv)
    from brochures.preview.server import serve  # here: only the preview needs the server and pypdfium2

    signal.signal(signal.SIGTERM, _interrupted)
    return serve(build_options(cli, args), host=args.bind, port=args.port, quiet=args.quiet, jobs=args.jobs,
                 scheduler=args.scheduler, editions=tuple(args.edition))


def run_new(argv: list[str]) -> int:
    from brochures.starter import create

    args = new_parser().parse_args(argv)
    try:
        written = create(args.folder, sample=args.sample)
    except ContentError as exc:
        print_problems(list(exc.problems))
        return 2
    topics = sorted({path.parent.name for path in written if path.suffix == ".md" and path.parent != args.folder})
    print(f"created {args.folder}: {len(written)} files, {len(topics)} topic(s) ({', '.join(topics)})\n"
          f"next: cd {args.folder} && brochures    (builds into {args.folder}/dist; "
          "`brochures serve` previews while you write)")
    return 0


def run_kit(argv: list[str]) -> int:
    from brochures.kit_command import run  # here: a build needs none of it

    signal.signal(signal.SIGTERM, _interrupted)
    try:
        return run(argv)
    except KeyboardInterrupt:
        print("interrupted: no kit was written", file=sys.stderr)
        return 130


def _interrupted(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


COMMANDS: dict[str, Callable[[list[str]], int]] = {"build": run_build, "new": run_new, "check": run_check,
                                                   "mark-translated": run_mark_translated, "watch": run_watch,
                                                   "serve": run_serve, "kit": run_kit}

if __name__ == "__main__":
    sys.exit(main())
