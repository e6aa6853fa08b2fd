#!/usr/bin/env python3
"""Time bundles of 1, 10 and 40 topics (copies of the sample catalogue) and report seconds per page.

Each size runs in a fresh process so that peak memory is its own (the warm-up build counts too).
Also times raw WeasyPrint on the very same HTML and stylesheets, to show what our pipeline adds
on top of it (loading and checking the catalogue, Markdown, sanitising, templates, writing). Usage:

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
sys.path.insert(0, sys.argv[1])
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from brochures.fonts import font_face_css
from brochures import STYLES_DIR
from brochures.pipeline import Options, build
from brochures.variants import Variant
mode, content, out, bundle, lang = sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]), sys.argv[5], sys.argv[6]


def ours(name):
    result = build(Options(content_dir=content, out_dir=out / mode, bundles=(name,), langs=(lang,)))
    assert result.ok, [str(p) for p in result.problems]
    return result.outputs[0].pages


def raw(name):
    # The HTML our pipeline made (written by the "html" run), with the same stylesheets and fonts.
    html = (out / "html" / lang / "bundles" / f"{name}.html").read_text(encoding="utf-8")
    fonts = FontConfiguration()
    css = [CSS(string=text, font_config=fonts) for text in (font_face_css(), Variant().page_css())]
    css.insert(1, CSS(filename=str(STYLES_DIR / "brochure.css"), font_config=fonts))
    return len(HTML(string=html, base_url=str(content)).render(stylesheets=css, font_config=fonts)
               .write_pdf(out / "raw.pdf") or [])


if mode == "html":
    for name in ("bench-1", bundle):
        build(Options(content_dir=content, out_dir=out / "html", bundles=(name,), langs=(lang,), write_html=True))
    sys.exit()
run = ours if mode == "ours" else raw
run("bench-1")  # warm-up on another document: imports, fonts, hyphenation dictionaries
started = time.perf_counter()
pages = run(bundle)
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"pages": pages, "seconds": seconds, "peak_mb": peak}))
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
        rows = []
        for size in args.sizes:
            bundle = f"bench-{size}"
            run(["html", content, out, bundle, args.lang])
            ours = json.loads(run(["ours", content, out, bundle, args.lang]))
            raw = json.loads(run(["raw", content, out, bundle, args.lang]))
            rows.append((size, ours, raw))
    base = rows[0][1]["seconds"] / rows[0][1]["pages"]
    print("| topics | pages | seconds | s/page | vs 1 topic | raw WeasyPrint s | overhead | peak MB |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size, ours, raw in rows:
        per_page = ours["seconds"] / ours["pages"]
        overhead = 100 * (ours["seconds"] - raw["seconds"]) / raw["seconds"]
        print(f"| {size} | {ours['pages']} | {ours['seconds']:.2f} | {per_page:.3f} | {per_page / base:.2f}x "
              f"| {raw['seconds']:.2f} | {overhead:+.0f}% | {ours['peak_mb']:.0f} |")
    return 0


def run(args: list) -> str:
    child = subprocess.run([sys.executable, "-c", CHILD, str(ROOT), *map(str, args)],
                           capture_output=True, text=True, check=True)
    return child.stdout


if __name__ == "__main__":
    sys.exit(main())
