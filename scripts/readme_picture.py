#!/usr/bin/env python3
"""Render the README's pictures from a real build of the sample catalogue (needs pdftoppm)."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pypdf import PdfReader  # noqa: E402

from brochures.builders.pipeline import Options, build  # noqa: E402

TOPIC = "immunotherapy"
# (picture name, language, text that identifies the page to show)
PAGES = [("page1", "en", None), ("page1", "fr", None), ("urgent", "en", "Call your care team right away if"),
         ("contact", "en", "For any questions")]


def page_with(pdf: Path, text: str | None) -> int:
    if text is None:
        return 1
    for number, page in enumerate(PdfReader(pdf).pages, start=1):
        if text in (page.extract_text() or ""):
            return number
    raise SystemExit(f"no page of {pdf} contains {text!r}")


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        result = build(Options(content_dir=ROOT / "content", out_dir=Path(tmp), topics=(TOPIC,)))
        if not result.ok:
            print("\n".join(str(p) for p in result.problems), file=sys.stderr)
            return 1
        for name, lang, text in PAGES:
            pdf = Path(tmp) / lang / f"{TOPIC}.pdf"
            page = str(page_with(pdf, text))
            target = ROOT / "docs" / f"{TOPIC}-{lang}-{name}"
            subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", page, "-l", page, "-singlefile",
                            str(pdf), str(target)], check=True)
            print(f"wrote {target.relative_to(ROOT)}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
