#!/usr/bin/env python3
"""Time bundles of 1, 10 and 40 topics (copies of the sample catalogue) and report seconds per page.

Each size runs in a fresh process so that peak memory is its own (the warm-up build counts too).
The bundle renders in the measuring process itself (a build sends it to a worker process), without
the web edition. Times are CPU times; "of which WeasyPrint" is the time spent inside WeasyPrint's HTML
parser, render and write_pdf in that same run, so "pipeline adds" is what loading and checking the catalogue,
Markdown, sanitising, typography, templates, fingerprints and writing cost on top. Usage:

    .venv/bin/python benchmarks/bundle_scaling.py [--sizes 1 10 40] [--lang en]
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
import json, resource, sys, time
from pathlib import Path
sys.path[:0] = [sys.argv[1], sys.argv[1] + "/benchmarks"]
from brochures.builders import pipeline
from brochures.builders.head_start import render_and_write
from brochures.builders.pipeline import Options, build
from weasyprint_clock import weasyprint_clock
content, out, bundle, lang = Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4], sys.argv[5]
# Rendered here, not in a worker process, so that this process's clock, CPU time and peak memory hold it all.
pipeline._run = lambda tasks, *args, **kwargs: ((i, render_and_write(task)) for i, task in enumerate(tasks))


def run(name):
    result = build(Options(content_dir=content, out_dir=out, bundles=(name,), langs=(lang,), web=False), force=True)
    assert result.ok, [str(p) for p in result.problems]
    return result.outputs[0].pages


run("bench-1")  # warm-up on another document: imports, fonts, hyphenation dictionaries
with weasyprint_clock() as spent:
    started, started_cpu = time.perf_counter(), time.process_time()
    pages = run(bundle)
    seconds, cpu = time.perf_counter() - started, time.process_time() - started_cpu
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"pages": pages, "seconds": seconds, "cpu": cpu, "weasyprint": spent["weasyprint"],
                  "peak_mb": peak}))
"""


def make_catalogue(folder: Path, sizes: list[int]) -> None:
    """The sample topics, plus numbered copies of them, and one bundle per size."""
    shutil.copy(SAMPLE / "site.yaml", folder / "site.yaml")
    originals = sorted(p for p in SAMPLE.iterdir() if p.is_dir() and any(p.glob("*.md")))
    ids = []
    for n in range(max(sizes)):
        source = originals[n % len(originals)]
        topic_id = source.name if n < len(originals) else f"{source.name}-{n:03d}"
        shutil.copytree(source, folder / topic_id)
        ids.append(topic_id)
    bundles = "".join(f"bench-{size}:\n  title: Benchmark {size}\n  topics: [{', '.join(ids[:size])}]\n"
                      for size in sizes)
    (folder / "bundles.yaml").write_text(bundles, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 40])
    parser.add_argument("--lang", default="en")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        content, out = Path(tmp) / "content", Path(tmp) / "out"
        content.mkdir()
        make_catalogue(content, args.sizes)
        rows = [(size, json.loads(run([content, out, f"bench-{size}", args.lang]))) for size in args.sizes]
    base = rows[0][1]["cpu"] / rows[0][1]["pages"]
    print("| topics | pages | seconds | CPU s/page | vs 1 topic | of which WeasyPrint | pipeline adds | peak MB |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size, r in rows:
        per_page = r["cpu"] / r["pages"]
        overhead = 100 * (r["cpu"] - r["weasyprint"]) / r["weasyprint"]
        print(f"| {size} | {r['pages']} | {r['seconds']:.2f} | {per_page:.3f} | {per_page / base:.2f}x "
              f"| {r['weasyprint']:.2f} s | {overhead:+.0f}% | {r['peak_mb']:.0f} |")
    return 0


def run(args: list) -> str:
    child = subprocess.run([sys.executable, "-c", CHILD, str(ROOT), *map(str, args)],
                           capture_output=True, text=True, check=True)
    return child.stdout


if __name__ == "__main__":
    sys.exit(main())
