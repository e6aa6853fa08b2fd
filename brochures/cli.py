"""Command line: `python build.py` (or `brochures`) builds the catalogue into PDF brochures."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Sequence

from .pipeline import BuildResult, Options, build
from .settings import PAPER_SIZES

DESCRIPTION = """\
Build patient-information brochures (PDF) from Markdown topics.

Every topic folder <content>/<topic-id>/ holds one Markdown file per language (en.md,
fr.md). Each is built into <out>/<lang>/<topic-id>.pdf. With no arguments, every topic
is built in every site language.
"""
EPILOG = """\
examples:
  python build.py                           build everything into dist/
  python build.py immunotherapy --lang fr   one topic, French only
  python build.py --paper a4 --html         A4 paper, and keep the HTML beside each PDF

exit status: 0 when every brochure built, 1 when something failed (one line per problem
on stderr, as path:line: message), 2 for a wrong command line.
"""


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="build.py", description=DESCRIPTION, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("topics", nargs="*", metavar="TOPIC", help="topic ids to build (default: all)")
    p.add_argument("--content", type=Path, default=Path("content"), metavar="DIR",
                   help="content folder holding topics and site.yaml (default: content)")
    p.add_argument("--out", type=Path, default=Path("dist"), metavar="DIR",
                   help="output folder (default: dist)")
    p.add_argument("--lang", action="append", default=[], metavar="LANG",
                   help="build only this language; repeat for several (default: the site languages)")
    p.add_argument("--paper", choices=PAPER_SIZES, help="paper size (default: site.yaml 'paper', else letter)")
    p.add_argument("--html", action="store_true", help="also write the intermediate HTML beside each PDF")
    p.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    options = Options(
        content_dir=args.content,
        out_dir=args.out,
        topics=tuple(args.topics),
        langs=tuple(args.lang),
        paper=args.paper,
        write_html=args.html,
    )
    started = time.monotonic()
    result = build(options)
    report(result, time.monotonic() - started, quiet=args.quiet)
    return 0 if result.ok else 1


def report(result: BuildResult, seconds: float, quiet: bool) -> None:
    """Results on stdout, problems on stderr: one line each, errors after warnings."""
    if not quiet:
        for output in result.outputs:
            print(f"built {output.path} ({output.pages} page{'s' if output.pages != 1 else ''})")
    seen: set[str] = set()
    for problem in sorted(result.problems, key=lambda p: p.severity != "warning"):
        line = str(problem)
        if line not in seen:
            seen.add(line)
            print(line, file=sys.stderr)
    errors = len({str(p) for p in result.problems if p.severity == "error"})
    if not quiet or errors:
        status = "failed" if errors else "done"
        print(f"{status}: {len(result.outputs)} brochure(s) built, {errors} error(s), {seconds:.1f} s",
              file=sys.stderr if errors else sys.stdout)


if __name__ == "__main__":
    sys.exit(main())
