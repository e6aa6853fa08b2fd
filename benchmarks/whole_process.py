"""Whole processes, as a user waits for them: this project against WeasyPrint alone and a peer tool.

    .venv/bin/python benchmarks/whole_process.py [--rounds 7] [--peer /tmp/peer-venv/bin/python] [--only 24]

The 24 brochures are built with `--no-web` and as the default build (the same PDFs and the web
edition beside them), both against WeasyPrint alone on the PDFs; `--only` times one group of commands.

The peer is md2weasypdf 0.1.0, kept out of the project's dependencies; install it apart first:

    python3 -m venv /tmp/peer-venv && /tmp/peer-venv/bin/pip install md2weasypdf==0.1.0

Every command runs as a new process, in rounds: each round runs every command once, the commands
compared with each other next to each other in a shuffled order. Each ratio is the median of the
rounds' own ratios (both sides measured within seconds of each other), with the ratio of the
fastest runs beside it: on a shared machine whose speed drifts, those are what to quote, not
the absolute times. "WeasyPrint alone" renders the HTML this
project wrote for the same brochures (`--html`), with the same stylesheets, fonts and PDF
options, in a process that imports nothing else.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from brochures.html.fonts import font_face_css  # noqa: E402
from brochures.pdf.render import WRITE_OPTIONS  # noqa: E402
from brochures.pdf.urls import PREFIX  # noqa: E402
from brochures.pdf.variants import Variant  # noqa: E402
from brochures.resources import STYLES_DIR  # noqa: E402

ALONE = """\
import json, sys
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
setup = json.load(open(sys.argv[1]))
fonts = FontConfiguration()
css = [CSS(string=setup["fonts"], font_config=fonts)]
css += [CSS(string=open(p).read(), base_url=u, font_config=fonts) for p, u in setup["stylesheets"]]
css.append(CSS(string=setup["page_css"], font_config=fonts))
for page in setup["pages"] if sys.argv[2] == "all" else [p for p in setup["pages"] if sys.argv[2] in p["html"]]:
    html = open(page["html"], encoding="utf-8").read()
    for fixed, real in setup["urls"]:
        html = html.replace(fixed, real)
    doc = HTML(string=html, base_url=page["base"]).render(stylesheets=css, font_config=fonts, **setup["options"])
    doc.write_pdf(page["html"] + ".alone.pdf", **setup["options"])
"""


def catalogue(folder: Path, topics: int) -> Path:
    """The sample topics, then copies of them under new ids, up to `topics` topics; 2 languages, no bundles."""
    content = folder / "content"
    content.mkdir(parents=True)
    shutil.copy(ROOT / "content" / "site.yaml", content / "site.yaml")
    originals = sorted(p for p in (ROOT / "content").iterdir() if p.is_dir() and any(p.glob("*.md")))
    for n in range(topics):
        source = originals[n % len(originals)]
        shutil.copytree(source, content / (source.name if n < len(originals) else f"{source.name}-{n:03d}"))
    return content


def alone_setup(work: Path, content: Path, html_out: Path) -> Path:
    # The print HTML `--html` writes beside each PDF (`<topic>.print.html`), not the web edition's pages.
    pages = [{"html": str(p), "base": (content / p.name.removesuffix(".print.html")).resolve().as_uri() + "/"}
             for p in sorted(html_out.rglob("*.print.html"))]
    setup = {
        "fonts": font_face_css(),
        "stylesheets": [[str(STYLES_DIR / "brochure.css"), (STYLES_DIR / "brochure.css").as_uri()]],
        "page_css": Variant().page_css(),
        "options": WRITE_OPTIONS,
        "pages": pages,
        "urls": [["file://" + PREFIX + "content", content.resolve().as_uri()],
                 ["file://" + PREFIX + "project", ROOT.as_uri()]],
    }
    (work / "alone.py").write_text(ALONE, encoding="utf-8")
    path = work / "alone.json"
    path.write_text(json.dumps(setup), encoding="utf-8")
    return path


def timed(command: list[str], stdin: str | None = None, check: bool = False) -> tuple[float, float]:
    """Wall seconds, and CPU seconds of the process and its children (steadier on a busy machine)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, input=stdin, text=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=check)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--peer", default="/tmp/peer-venv/bin/python", help="python of a venv with md2weasypdf")
    parser.add_argument("--only", choices=("single", "24", "other"), help="time one group of commands only")
    args = parser.parse_args()
    py = sys.executable
    # Compiled like an installed package's modules (pip compiles WeasyPrint's and the peer's at install;
    # an editable install is compiled on first import, unless PYTHONDONTWRITEBYTECODE says not to).
    subprocess.run([py, "-m", "compileall", "-q", str(ROOT / "brochures")], check=True)
    work = Path(tempfile.mkdtemp(prefix="brochures-bench-"))
    content = catalogue(work, 12)  # 12 topics × 2 languages = 24 brochures
    subprocess.run([py, "build.py", "--content", str(content), "--out", str(work / "html"), "--html", "--no-web", "-q"],
                   cwd=ROOT, check=True)
    subprocess.run([py, "build.py", "--content", str(content), "--out", str(work / "current"), "--no-web", "-q"],
                   cwd=ROOT, check=True)
    setup = alone_setup(work, content, work / "html")
    (work / "peer-in").mkdir()
    shutil.copy(content / "immunotherapy" / "en.md", work / "peer-in" / "immunotherapy.md")
    # PDFs only: WeasyPrint alone and the peer make no web edition either.
    build = [py, "build.py", "--content", str(content), "-q", "-j", "1", "--no-web"]
    commands = {
        "single: this project": build + ["immunotherapy", "--lang", "en", "--out", str(work / "one"), "--force"],
        "single: WeasyPrint alone": [py, str(work / "alone.py"), str(setup), "en/immunotherapy.print.html"],
        "24: this project": build + ["--out", str(work / "all"), "--force"],
        "24: WeasyPrint alone": [py, str(work / "alone.py"), str(setup), "all"],
        # The default build: the same PDFs and the web edition beside them.
        "24: this project, with web": build[:-1] + ["--out", str(work / "web"), "--force"],
        "no-op rebuild of 24": build + ["--out", str(work / "current")],
        "check": [py, "build.py", "check", "--content", str(content)],
        "import weasyprint": [py, "-c", "import weasyprint"],
    }
    if Path(args.peer).exists():
        commands["single: md2weasypdf 0.1.0"] = [args.peer, "-m", "md2weasypdf",
                                                 str(work / "peer-in" / "immunotherapy.md"), str(work / "peer")]
    else:
        print(f"(no peer: {args.peer} not found; see the instructions at the top of this file)")
    # Commands compared with each other run next to each other, in a shuffled order, so that a
    # slower spell of a shared machine weighs on both sides of a ratio alike.
    groups = [[name for name in commands if name.startswith("single")],
              [name for name in commands if name.startswith("24")],
              ["no-op rebuild of 24", "check", "import weasyprint"]]
    if args.only:
        groups = [groups[("single", "24", "other").index(args.only)]]
        commands = {name: commands[name] for name in groups[0]}
    times: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.rounds):
        random.shuffle(groups)
        for group in groups:
            for name in random.sample(group, len(group)):
                wall, used = timed(commands[name])
                times[name].append(wall)
                cpu[name].append(used)
    print(f"{args.rounds} rounds, seconds per whole process: median (min–max) wall; median CPU")
    for name in commands:
        print(f"  {name:28s} {statistics.median(times[name]):6.2f} s ({min(times[name]):.2f}–{max(times[name]):.2f}); "
              f"CPU {statistics.median(cpu[name]):6.2f} s")
    print("ratios: median of the rounds' own ratios (wall; CPU), and fastest against fastest (wall):")
    ratios = [("single", "single: this project", "single: WeasyPrint alone"),
              ("single vs peer", "single: this project", "single: md2weasypdf 0.1.0"),
              ("24 in one process", "24: this project", "24: WeasyPrint alone"),
              ("24 with the web edition", "24: this project, with web", "24: WeasyPrint alone"),
              ("no-op rebuild vs import weasyprint", "no-op rebuild of 24", "import weasyprint"),
              ("check vs import weasyprint", "check", "import weasyprint")]
    for label, ours, theirs in ratios:
        if ours not in times or theirs not in times:
            continue
        wall = statistics.median(a / b for a, b in zip(times[ours], times[theirs]))
        used = statistics.median(a / b for a, b in zip(cpu[ours], cpu[theirs]))
        print(f"  {label:36s} {wall:.2f}×; {used:.2f}×; fastest {min(times[ours]) / min(times[theirs]):.2f}×")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
