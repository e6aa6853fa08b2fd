"""Hostile inputs, as whole processes: every budget bounds the whole build, and costs stay linear.

    .venv/bin/python benchmarks/hostile_inputs.py [--rounds 3] [--links 10000]

- "limit 10 s": a catalogue with `render_seconds: 10`, one ordinary topic and three pathological ones
  (a 3000-row table that takes longer than 10 s to lay out, 50 000 unclosed `[`, 5000 nested emphasis
  marks), built with `--jobs 1` and the web edition on. The build must end within the limit plus
  start-up (target: under 20 s): the table is stopped at 10 s and left out of the web edition, the
  other two are refused before rendering.
- "refuse 50 000 [": `check` on the topic of 50 000 unclosed `[` alone (Python-Markdown needs minutes).
- "N links": one topic of N links (ten to a paragraph), built (PDF only, `--jobs 1`) against
  WeasyPrint alone on the print HTML the build wrote (same stylesheets, fonts and options), the
  structure repair included: the target is at most 2×.

Each round runs every command once; the medians are printed, with the ratio of the rounds' own ratios.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from whole_process import ROOT, alone_setup, timed

TOPIC = "---\ntitle: {title}\nsummary: {title}.\n---\n## Part\n\n{body}\n"
SITE = "organisation: Bench clinic\nphone: 514-555-0123\nlanguages: [en]\n"
LIMIT = "limits:\n  render_seconds: 10\n"


def write(content: Path, topics: dict[str, str], site: str = SITE) -> Path:
    content.mkdir(parents=True)
    (content / "site.yaml").write_text(site, encoding="utf-8")
    for name, body in topics.items():
        (content / name).mkdir()
        (content / name / "en.md").write_text(TOPIC.format(title=name.capitalize(), body=body), encoding="utf-8")
    return content


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--links", type=int, default=10_000)
    args = parser.parse_args()
    py = sys.executable
    subprocess.run([py, "-m", "compileall", "-q", str(ROOT / "brochures")], check=True)
    work = Path(tempfile.mkdtemp(prefix="brochures-hostile-"))
    table = "| n | medicine | dose |\n|---|---|---|\n" + "".join(f"| {i} | name {i} | 1 tablet |\n" for i in range(3000))
    hostile = write(work / "hostile", {
        "ordinary": "Take your medicine with food. Call us at 514-555-0123 if you have a fever.",
        "table": table,
        "brackets": "[" * 50_000,
        "emphasis": "*" * 5000 + "a" + "*" * 5000,
    }, SITE + LIMIT)
    brackets = write(work / "brackets", {"brackets": "[" * 50_000})
    paragraphs = "\n\n".join(" ".join(f"[link {i + j}](https://example.org/page/{i + j})" for j in range(10))
                             for i in range(0, args.links, 10))
    links = write(work / "links", {"links": paragraphs})
    subprocess.run([py, "build.py", "--content", str(links), "--out", str(work / "html"), "--html", "--no-web", "-q",
                    "-j", "1"], cwd=ROOT, check=False)
    setup = alone_setup(work, links, work / "html")
    commands = {
        "limit 10 s: build, web on, --jobs 1": [py, "build.py", "--content", str(hostile), "--out", str(work / "out"),
                                                "--force", "-q", "-j", "1"],
        "refuse 50 000 [: check": [py, "build.py", "check", "--content", str(brackets)],
        f"{args.links} links: this project": [py, "build.py", "--content", str(links), "--out", str(work / "pdf"),
                                              "--force", "--no-web", "-q", "-j", "1"],
        f"{args.links} links: WeasyPrint alone": [py, str(work / "alone.py"), str(setup), "all"],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.rounds):
        for name, command in commands.items():
            times[name].append(timed(command)[0])
    print(f"{args.rounds} rounds, wall seconds per whole process: median (min–max)")
    for name, found in times.items():
        print(f"  {name:40s} {statistics.median(found):6.2f} s ({min(found):.2f}–{max(found):.2f})")
    ours, alone = times[f"{args.links} links: this project"], times[f"{args.links} links: WeasyPrint alone"]
    print(f"  {args.links} links, this project / WeasyPrint alone: "
          f"{statistics.median(a / b for a, b in zip(ours, alone)):.2f}× (target ≤ 2×)")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
