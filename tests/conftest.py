"""Shared test helpers: throwaway catalogues from a dict of files, and in-process builds."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader

from brochures.cli import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_CONTENT = ROOT / "content"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

MINIMAL_EN = """\
---
title: Test topic
summary: A short summary.
---
## First section

Some text for patients.
"""
MINIMAL_FR = """\
---
title: Sujet d’essai
summary: Un court résumé.
---
## Première section

Du texte pour les patients.
"""


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """Create `files` (relative path → text) under `root`; text is dedented."""
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(textwrap.dedent(data), encoding="utf-8")
    return root


@dataclass
class Run:
    code: int
    out: str
    err: str
    out_dir: Path

    @property
    def lines(self) -> list[str]:
        return self.err.splitlines()


@pytest.fixture
def build(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    """Run the command line in-process on a content folder; returns a `Run`."""

    def run(content: Path, *args: str, out: Path | None = None) -> Run:
        out_dir = out or tmp_path / "dist"
        code = main(["--content", str(content), "--out", str(out_dir), *args])
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err, out_dir)

    return run


@pytest.fixture
def catalogue(tmp_path: Path):
    """Make a content folder from a dict of files; a minimal topic is added unless told not to."""

    def make(files: dict[str, str | bytes], with_minimal: bool = True) -> Path:
        base = {"minimal/en.md": MINIMAL_EN, "minimal/fr.md": MINIMAL_FR} if with_minimal else {}
        return write_tree(tmp_path / "content", {**base, **files})

    return make


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)
