"""The command line's parsers: every command's options, defaults and help text.

A first argument naming no command means `build`. Run inside a folder that holds a `site.yaml`,
the commands take that folder as the content folder (`./dist` stays the output); elsewhere the
content folder is `content`, as in a checkout. `--content` and `--out` always win.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from brochures import __version__
from brochures.builders.plan import LAYOUTS
from brochures.content.settings import PAPER_SIZES

CONTENT_HELP = ("content folder holding topics and site.yaml (default: this folder when it holds a site.yaml, "
                "else content)")


def content_folder(given: Path | None) -> Path:
    """`--content` when given; else this folder when it holds a site.yaml; else `content`."""
    if given is not None:
        return given
    return Path(".") if Path("site.yaml").is_file() else Path("content")


DESCRIPTION = """\
Build patient-information brochures (PDF) from Markdown topics.

Commands: build (the default, may be omitted); new (start a content folder); check (validate
the content and the translations without rendering); mark-translated (record that a
translation is current after review); watch (rebuild on every save); serve (watch, plus a
local preview with an editorial dashboard); kit (one PDF for one patient: a cover letter
and chosen brochures). Each command has its own --help.

Every topic folder <content>/<topic-id>/ holds one Markdown file per language (en.md,
fr.md). Each is built into <out>/<lang>/<topic-id>.pdf, and each bundle of
<content>/bundles.yaml into <out>/<lang>/bundles/<bundle-id>.pdf. With no arguments,
every topic and bundle is built in every site language. Inside a folder that holds a
site.yaml, that folder is the content folder and ./dist the output.
"""
EPILOG = """\
examples:
  brochures new my-clinic                   start a content folder (then: cd my-clinic)
  brochures                                 build everything into dist/
  brochures immunotherapy --lang fr   one topic, French only
  brochures --paper a4 --html         A4 paper, and keep the HTML beside each PDF
  brochures --bundle starting-immunotherapy --layout booklet
                                            one bundle, plus a booklet to fold
  brochures --large-print             large-print copies of everything
  brochures check                     check the content without rendering
  brochures mark-translated immunotherapy fr   fr.md is current with its source
  brochures watch --lang fr           rebuild the French brochures on every save
  brochures kit immunotherapy chemotherapy --lang fr --patient-name "Jeanne Roy" \
      --appointment "2026-03-14 09:30" --output jeanne.pdf   one patient's kit

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
    p.add_argument("--version", action="version", version=f"brochures {__version__}")
    p.add_argument("topics", nargs="*", metavar="TOPIC", help="topic ids to build (default: all)")
    p.add_argument("--content", type=Path, metavar="DIR", help=CONTENT_HELP)
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
    p.add_argument("--content", type=Path, metavar="DIR", help=CONTENT_HELP)
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
    p.add_argument("--content", type=Path, metavar="DIR", help=CONTENT_HELP)
    return p


def watch_parser() -> argparse.ArgumentParser:
    p = build_parser()
    p.prog = f"{Path(sys.argv[0]).name} watch"
    p.description = WATCH_DESCRIPTION
    p.epilog = None
    return p


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




NEW_DESCRIPTION = """\
Write a new content folder to start from: site.yaml with every key explained, one sample topic
in English and French (marked as a draft), a bundles.yaml to fill in, and a README.md for the
people who write topics. DIR must not exist or be empty: nothing is ever overwritten. Then run
`brochures` inside DIR to build into DIR/dist, or `brochures serve` to preview.
"""


def new_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=f"{Path(sys.argv[0]).name} new", description=NEW_DESCRIPTION)
    p.add_argument("folder", type=Path, metavar="DIR", help="the folder to create (it must not exist or be empty)")
    p.add_argument("--sample", action="store_true",
                   help="write the whole sample catalogue (cancer-treatment topics and a bundle) instead")
    return p


KIT_DESCRIPTION = """\
Make one PDF for one patient: a cover letter in the patient's language (greeting, appointment,
place, direct line, a note from the care team and the contents), the chosen brochures as in a
bundle, and a page for the patient's questions. The patient's details are written to --output
and nowhere else: no build record, cache, log or temporary file holds them, nor the PDF's title
and metadata. --password-file locks the PDF with a password (AES-256). --patients makes a kit
for each row of a CSV list, and --send mails each, locked, through the clinic's mail server.
"""
KIT_EPILOG = """\
examples:
  brochures kit immunotherapy chemotherapy --patient-name "Jeanne Roy" \\
      --appointment "2026-03-14 09:30" --place "Pavilion B, room 204" --output kit.pdf
  brochures kit --bundle starting-immunotherapy --lang fr --large-print --output trousse.pdf \\
      --password-file - < password.txt
  brochures kit --patients list.csv --output-dir kits --send --dry-run   every row's kit, its message

On a computer other people use, remember that they can see a command line (and so the name
and the note) while it runs; `brochures serve` has a form for kits that keeps them off it, and
--patients reads them from a file.

exit status: 0 when the kit was written; 2 when the request is wrong (an unknown topic, a
language a topic lacks, a date that is none, a note too long); 1 when the kit could not be
made or written. No file is written unless the whole kit was made. With --patients: 0 when
every row's kit was written (and sent), 1 when a row failed or a kit was not sent, 2 when the
list or the options are wrong and nothing was made.
"""


class _Refused(argparse.Action):
    """An option refused with a line saying why (never repeating what was given with it)."""

    def __init__(self, option_strings: list[str], dest: str, why: str, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs="?", help=argparse.SUPPRESS)
        self.why = why

    def __call__(self, parser: argparse.ArgumentParser, *args: object) -> None:
        parser.exit(2, f"{self.why}\n")


def kit_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=f"{Path(sys.argv[0]).name} kit", description=KIT_DESCRIPTION,
                                epilog=KIT_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
                                allow_abbrev=False)  # `--password x` must never be taken for --password-file
    p.add_argument("topics", nargs="*", metavar="TOPIC", help="topic ids, in the order they print")
    p.add_argument("--output", "-o", type=Path, metavar="FILE",
                   help="the PDF to write; an existing file is replaced only once the kit is made")
    p.add_argument("--bundle", default="", metavar="ID", help="the topics of this bundle of bundles.yaml, "
                                                              "then any TOPIC named")
    p.add_argument("--lang", default="", metavar="LANG",
                   help="the patient's language (default: the first of site.yaml 'languages')")
    p.add_argument("--large-print", action="store_true", help="17 pt text, as the large-print brochures")
    p.add_argument("--paper", choices=PAPER_SIZES, help="paper size (default: site.yaml 'paper', else letter)")
    p.add_argument("--content", type=Path, metavar="DIR", help=CONTENT_HELP)
    personal = p.add_argument_group("the cover letter (each optional, plain text printed as written)")
    personal.add_argument("--patient-name", default="", metavar="NAME",
                          help="the patient's name, after \"Dear\" (\"Bonjour\" in French)")
    personal.add_argument("--appointment", default="", metavar="'YYYY-MM-DD HH:MM'",
                          help="the next appointment, written as dates are in the patient's language")
    personal.add_argument("--place", default="", metavar="TEXT", help="where the appointment is")
    personal.add_argument("--direct-line", default="", metavar="PHONE",
                          help="the phone number to call (default: site.yaml 'phone')")
    personal.add_argument("--note", default="", metavar="TEXT",
                          help="a note from the care team: at most 600 characters, never Markdown or HTML")
    p.add_argument("--password-file", metavar="FILE",
                   help="lock the PDF with the password on the first line of FILE ('-': standard input, "
                        "or a prompt at a terminal); never a password on the command line")
    many = p.add_argument_group("a kit for each patient of a list (the options above but --output and "
                                 "--patient-name are every row's, where its cell is empty)")
    many.add_argument("--patients", type=Path, metavar="FILE.csv",
                      help="a CSV file with a header row; columns: id (names <id>.pdf), name, lang, topics or "
                           "bundle, appointment, place, direct_line, note, large_print, email, password")
    many.add_argument("--output-dir", type=Path, metavar="DIR", help="the folder to write <id>.pdf into")
    many.add_argument("--send", action="store_true",
                      help="mail each kit, locked, to its row's email through site.yaml 'mail:' (the server's "
                           "password in the environment variable BROCHURES_SMTP_PASSWORD)")
    many.add_argument("--dry-run", action="store_true",
                      help="as --send, but write each message to <id>.eml in DIR instead of sending it")
    many.add_argument("--only", nargs="+", default=[], metavar="ID",
                      help="only the rows with these ids (to send again those a run did not send)")
    many.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1, metavar="N",
                      help="render in N worker processes (default: the number of cores)")
    many.add_argument("-q", "--quiet", action="store_true", help="print only problems and the summary")
    p.add_argument("--password", action=_Refused, why="--password: other users can read a command line; put "
                   "the password in a file and give --password-file FILE (or - for standard input)")
    p.add_argument("--html", action=_Refused, why="--html is refused for kits: the page would be a second "
                   "file holding the patient's details")
    return p

