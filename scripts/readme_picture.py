#!/usr/bin/env python3
"""Render the README's pictures from a real build of the sample catalogue (needs pdftoppm)."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from brochures.pipeline import Options, build  # noqa: E402

PAGES = [("en", "immunotherapy", 1), ("fr", "immunotherapy", 1), ("en", "immunotherapy", 5)]


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        result = build(Options(content_dir=ROOT / "content", out_dir=Path(tmp), topics=("immunotherapy",)))
        if not result.ok:
            print("\n".join(str(p) for p in result.problems), file=sys.stderr)
            return 1
        for lang, topic, page in PAGES:
            target = ROOT / "docs" / f"{topic}-{lang}-page{page}"
            subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", str(page), "-l", str(page), "-singlefile",
                            str(Path(tmp) / lang / f"{topic}.pdf"), str(target)], check=True)
            print(f"wrote {target.relative_to(ROOT)}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
