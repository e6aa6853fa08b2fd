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
# The sample catalogue's topics (content/): the five treatments, side effects, infections.
SAMPLE_TOPICS = ("chemotherapy", "hormone-therapy", "immunotherapy", "infection-prevention", "radiation-therapy",
                 "side-effects", "surgery")
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# PostScript names of the fonts the project ships: the text font, and the one for symbols.
SHIPPED_FONTS = ("Atkinson-Hyperlegible", "Source-Sans-3")

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


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory: pytest.TempPathFactory):
    """The sample catalogue built once for the session: every topic and bundle in both languages,
    and the web edition beside them. Tests only read it. Returns (BuildResult, output folder)."""
    from brochures.builders.pipeline import Options
    from brochures.builders.pipeline import build as build_catalogue

    out = tmp_path_factory.mktemp("sample")
    result = build_catalogue(Options(content_dir=SAMPLE_CONTENT, out_dir=out), jobs=2)
    assert result.ok, [str(p) for p in result.problems]
    return result, out


BRANDED = FIXTURES / "branded"


@pytest.fixture
def pdfjs_installed() -> None:
    """pdf.js is a reader the tests must not do without: `make test` installs it with `npm ci`."""
    from tests.readers import pdfjs_available

    assert pdfjs_available(), "pdfjs-dist is installed by make test (npm ci), with the machine's Node.js"


@pytest.fixture(scope="session")
def branded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The branded sample (logo, colours, contact details, QR code) built once, with its HTML."""
    from brochures.builders.pipeline import Options
    from brochures.builders.pipeline import build as build_catalogue

    out = tmp_path_factory.mktemp("branded")
    result = build_catalogue(Options(content_dir=BRANDED, out_dir=out, write_html=True))
    # palm.png (420 px wide) prints at 96 ppi: the only warning, the low-resolution one
    assert [str(p) for p in result.problems if "palm.png" not in str(p) or "ppi" not in str(p)] == []
    return out


def structure(path: Path) -> list[tuple[str, str | None]]:
    """The tagged PDF's structure elements in reading order, as (type, alternative text)."""
    reader = PdfReader(path)
    found: list[tuple[str, str | None]] = []

    def walk(node) -> None:
        node = node.get_object()
        if not isinstance(node, dict):
            return
        if node.get("/Type") == "/StructElem":
            found.append((str(node["/S"]).lstrip("/"), str(node["/Alt"]) if "/Alt" in node else None))
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            if hasattr(kid, "get_object"):
                walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


def render_page(path: Path, page: int, out: Path, dpi: int = 60, gray: bool = False) -> Path:
    """One page as PNG, with poppler's pdftoppm."""
    import subprocess

    stem = out / f"{path.stem}-{page}"
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), *(["-gray"] if gray else []), "-f", str(page),
                    "-l", str(page), "-singlefile", str(path), str(stem)], check=True)
    return stem.with_suffix(".png")


from tests.browser import browser  # noqa: E402,F401 - the session's Chromium, for tests/web/ and serve
