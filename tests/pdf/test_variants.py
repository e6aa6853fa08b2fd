"""Print variants read back from the PDF: large print, print-shop marks, booklets, paper."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from brochures.cli import main
from tests.conftest import FIXTURES, SAMPLE_CONTENT, pdf_text
from tests.pdfread import runs

MM = 72 / 25.4


def box(page, name: str) -> tuple[float, ...]:
    return tuple(round(float(v), 1) for v in page[name])


def test_large_print_text_is_at_least_16pt_and_never_hyphenated(build, tmp_path):
    run = build(SAMPLE_CONTENT, "immunotherapy", "--lang", "en", "--large-print")
    assert run.code == 0, run.err
    path = run.out_dir / "en" / "immunotherapy.large-print.pdf"
    assert not (run.out_dir / "en" / "immunotherapy.pdf").exists(), "the regular copy is another build"
    reader = PdfReader(path)
    sizes = [r.size for page in reader.pages for r in runs(page) if not r.text.isdigit()]
    assert min(sizes) >= 16, min(sizes)
    source = " ".join((SAMPLE_CONTENT / "immunotherapy" / "en.md").read_text(encoding="utf-8").split())
    assert soft_hyphen_breaks(pdf_text(path), source) == []
    # Clear Print: the regular copy does not hyphenate either, unless site.yaml allows long words;
    # then it does, so the check can fail, but never inside the name of a medicine.
    content = tmp_path / "content"
    shutil.copytree(SAMPLE_CONTENT, content)
    site = (SAMPLE_CONTENT / "site.yaml").read_text(encoding="utf-8")
    (content / "site.yaml").write_text(site + "hyphenation: long-words\n", encoding="utf-8")
    build(content, "immunotherapy", "--lang", "en", "--paper", "a4", out=tmp_path / "regular")
    regular = pdf_text(tmp_path / "regular" / "en" / "immunotherapy.pdf")
    breaks = soft_hyphen_breaks(regular, source)
    assert breaks, "long words do hyphenate, so the check can fail"
    assert all(len(re.sub(r"\W", "", b)) >= 12 and "mab" not in b for b in breaks), breaks


def soft_hyphen_breaks(text: str, source: str) -> list[str]:
    """Words split at a line end by hyphenation (not at a hyphen of the source text)."""
    breaks = []
    for match in re.finditer(r"(\w+)-\n(\w+)", text):
        if f"{match.group(1)}-{match.group(2)}" not in source:
            breaks.append(match.group(0))
    return breaks


def test_print_marks_set_trim_and_bleed_boxes_and_the_band_bleeds(build):
    run = build(FIXTURES / "features", "feature-tour", "--lang", "en", "--print-marks")
    assert run.code == 0, run.err
    path = run.out_dir / "en" / "feature-tour.print-marks.pdf"
    page = PdfReader(path).pages[0]
    trim, bleed, media = box(page, "/TrimBox"), box(page, "/BleedBox"), box(page, "/MediaBox")
    assert round(trim[2] - trim[0]) == 612 and round(trim[3] - trim[1]) == 792, "trimmed to Letter"
    for inner, outer, sign in zip(trim, bleed, (-1, -1, 1, 1)):
        assert (outer - inner) * sign == pytest.approx(3 * MM, abs=0.2)
    for inner, outer, sign in zip(bleed, media, (-1, -1, 1, 1)):
        assert (outer - inner) * sign == pytest.approx(10 * MM, abs=0.2), "a slug for the crop marks"
    if shutil.which("pdftoppm"):
        # Inside the bleed, above the trimmed top edge, mid-width: the title band's colour.
        x = (trim[0] + trim[2]) / 2 - media[0]
        y = media[3] - (trim[3] + 1.5 * MM)
        assert darkness(path, x, y) > 0.5
        assert darkness(path, x, media[3] - (trim[3] - 200)) < 0.2, "white further down, for contrast"


def darkness(pdf: Path, x: float, y: float) -> float:
    """0 (white) to 1 (black) at a point of page 1, measured in points from the top left."""
    ppm = subprocess.run(["pdftoppm", "-r", "72", "-f", "1", "-l", "1", "-gray", str(pdf)],
                         capture_output=True, check=True).stdout
    magic, width, height, maxval, pixels = ppm.split(maxsplit=4)
    assert magic == b"P5"
    value = pixels[int(y) * int(width) + int(x)]
    return 1 - value / int(maxval)


@pytest.mark.parametrize("paper, sheet, half", [("letter", (792, 612), (396, 612)), ("a4", (842, 595), (420, 595))])
def test_booklet_sheets_are_landscape_pairs_of_half_pages(build, paper, sheet, half):
    run = build(FIXTURES / "features", "feature-tour", "--lang", "fr", "--layout", "booklet", "--paper", paper)
    assert run.code == 0, run.err
    flat = PdfReader(run.out_dir / "fr" / "feature-tour.pdf")
    booklet = PdfReader(run.out_dir / "fr" / "feature-tour.booklet.pdf")
    assert len(booklet.pages) % 2 == 0
    for page in booklet.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == sheet
    assert booklet.metadata.title == flat.metadata.title == "Visite des fonctions"
    assert booklet.trailer["/Root"]["/Lang"] == "fr"
    first_sheet = runs(booklet.pages[0])
    assert any(r.text.startswith("Visite") and r.x >= half[0] for r in first_sheet), "cover on the right"
    assert any("Pour toute question" == r.text and r.x < half[0] for r in first_sheet), "back cover on the left"


def test_options_combine_into_one_file_name(build):
    run = build(FIXTURES / "features", "second-topic", "--lang", "en", "--large-print", "--layout", "booklet")
    assert run.code == 0, run.err
    names = sorted(p.name for p in (run.out_dir / "en").glob("*.pdf"))
    assert names == ["second-topic.large-print.booklet.pdf", "second-topic.large-print.pdf"]


def test_print_marks_and_booklet_do_not_combine(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--print-marks", "--layout", "booklet"])
    assert exit_info.value.code == 2
    assert "do not combine it with --layout booklet" in capsys.readouterr().err
