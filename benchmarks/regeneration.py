#!/usr/bin/env python3
"""Regeneration figures on a catalogue of 24 outputs (the sample topics copied to 12, in en and fr).

Measures, each in a fresh process after a warm-up: a full build with --jobs 1 and --jobs 2,
a no-op rebuild, and a rebuild after editing one topic (against that topic's own render time).
Documents render in worker processes, even with --jobs 1, so what the pipeline adds to WeasyPrint's
own time is measured by whole_process.py (whole processes against WeasyPrint alone), not here. Usage:

    .venv/bin/python benchmarks/regeneration.py [--topics 12]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "content"

CHILD = r"""
import json, sys, time
from pathlib import Path
sys.path[:0] = [sys.argv[1]]
from brochures.builders.pipeline import Options, build
mode, content, out, jobs = sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]), int(sys.argv[5])
options = Options(content_dir=content, out_dir=out)
if mode == "single":  # one topic in one language: what an edit to it should cost
    options = Options(content_dir=content, out_dir=out, topics=("chemotherapy",), langs=("fr",))
build(Options(content_dir=content, out_dir=out.parent / "warm", topics=("immunotherapy",)))  # warm-up
started = time.perf_counter()
result = build(options, force=mode in ("full", "single"), jobs=jobs)
seconds = time.perf_counter() - started
assert result.ok, [str(p) for p in result.problems]
print(json.dumps({"seconds": seconds, "rendered": len(result.rendered), "unchanged": len(result.unchanged)}))
"""


def make_catalogue(folder: Path, topics: int) -> None:
    shutil.copy(SAMPLE / "site.yaml", folder / "site.yaml")
    originals = sorted(p for p in SAMPLE.iterdir() if p.is_dir() and any(p.glob("*.md")))
    for n in range(topics):
        source = originals[n % len(originals)]
        shutil.copytree(source, folder / (source.name if n < len(originals) else f"{source.name}-{n:03d}"))


def run(mode: str, content: Path, out: Path, jobs: int = 1) -> dict:
    child = subprocess.run([sys.executable, "-c", CHILD, str(ROOT), mode, str(content), str(out), str(jobs)],
                           capture_output=True, text=True, check=True)
    return json.loads(child.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--topics", type=int, default=12)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        content, out = Path(tmp) / "content", Path(tmp) / "out"
        content.mkdir()
        make_catalogue(content, args.topics)
        one = run("full", content, out, jobs=1)
        two = run("full", content, Path(tmp) / "out2", jobs=2)
        noop = run("incremental", content, out)
        edited = content / "chemotherapy" / "fr.md"
        edited.write_text(edited.read_text(encoding="utf-8") + "\nUne phrase ajoutée à la fin du texte.\n",
                          encoding="utf-8")
        edit = run("incremental", content, out)
        single = run("single", content, Path(tmp) / "single")
    outputs = one["rendered"]
    rows = [
        ("full build, --jobs 1", f"{one['seconds']:.2f} s", f"{outputs} outputs"),
        ("full build, --jobs 2", f"{two['seconds']:.2f} s", f"{one['seconds'] / two['seconds']:.2f}x faster (goal: 1.7x)"),
        ("no-op rebuild", f"{noop['seconds']:.3f} s",
         f"{100 * noop['seconds'] / one['seconds']:.1f}% of the full build (goal: under 2%)"),
        ("edit one topic (fr), rebuild", f"{edit['seconds']:.2f} s",
         f"{edit['rendered']} rendered; that topic alone renders in {single['seconds']:.2f} s"),
    ]
    print("| measure | time | figure |")
    print("|---|---:|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
