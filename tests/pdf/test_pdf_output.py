"""Read the produced PDFs back: text, metadata, links, bookmarks, fonts, paper, layout text."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from brochures.builders.pipeline import BuildResult, Options, build
from brochures.html.messages import template_messages
from brochures.resources import TEMPLATES_DIR
from tests.conftest import FIXTURES, SAMPLE_TOPICS, SHIPPED_FONTS, pdf_text
from tests.pdfread import outline, top_text, uris

FEATURES = FIXTURES / "features"


def run(content: Path, out: Path, **options) -> BuildResult:
    result = build(Options(content_dir=content, out_dir=out, **options))
    assert result.ok, [str(p) for p in result.problems]
    return result


@pytest.fixture(scope="module")
def features(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("features")
    result = run(FEATURES, out, write_html=True)
    assert [str(p) for p in result.problems] == []
    return out


def test_sample_catalogue_builds_every_topic_in_both_languages(sample_build):
    result, out = sample_build
    built = sorted(str(o.path.relative_to(out)) for o in result.outputs)
    assert built == sorted(
        [f"{lang}/bundles/{kit}.pdf" for lang in ("en", "fr")
         for kit in ("before-and-after-surgery", "starting-immunotherapy", "treatment-options")]
        + [f"{lang}/{topic}.pdf" for lang in ("en", "fr") for topic in SAMPLE_TOPICS])
    assert [str(p) for p in result.problems] == [], "the sample catalogue must build without warnings"
    for output in result.outputs:
        assert 2 <= output.pages <= (40 if "bundles" in output.path.parts else 10), output
        assert len(PdfReader(output.path).pages) == output.pages


@pytest.mark.parametrize("lang, title, author, page_label", [
    ("en", "Immunotherapy", "Sample Cancer Clinic", "Page 1 of"),
    ("fr", "Immunothérapie", "Clinique d’oncologie Exemple", "Page 1 de"),
])
def test_sample_metadata_and_layout_text(sample_build, lang, title, author, page_label):
    _, out = sample_build
    path = out / lang / "immunotherapy.pdf"
    reader = PdfReader(path)
    meta = reader.metadata
    assert meta.title == title
    assert meta.author == author
    assert meta.subject and len(meta.subject) > 40
    assert reader.trailer["/Root"]["/Lang"] == lang
    text = pdf_text(path)
    assert title in text
    assert page_label in text
    assert "1-800-363-0063" in text
    assert top_text(reader.pages[1]) == title, "running header names the topic"


def test_french_brochure_has_no_english_layout_text(sample_build):
    _, out = sample_build
    # Every template message as a pattern, its placeholders ({page}, %(date)s) matching any word.
    english_layout = [re.compile(r"\S+".join(map(re.escape, re.split(r"\{\w+\}|%\(\w+\)s", message))))
                      for message in template_messages([TEMPLATES_DIR]) if message != "Sources"]  # same in French
    assert len(english_layout) > 10
    for topic in SAMPLE_TOPICS:
        text = " ".join(pdf_text(out / "fr" / f"{topic}.pdf").split())
        for english in english_layout:
            assert not english.search(text), (topic, english.pattern)
    text = " ".join(pdf_text(out / "fr" / "immunotherapy.pdf").split())
    for french in ("Page 1 de", "Pour toute question", "À lire aussi", "Appelez votre équipe soignante :",
                   "Information pour les patients".upper(), "Mes questions pour mon équipe soignante"):
        assert french in text, french


def test_phone_numbers_are_clickable(sample_build):
    _, out = sample_build
    for lang in ("en", "fr"):
        links = uris(out / lang / "immunotherapy.pdf")
        assert "tel:+15145550123" in links, "the site phone in the contact box"
        assert "tel:+18003630063" in links, "the Info-cancer hotline in the text"


def test_bookmarks_follow_the_headings(sample_build):
    _, out = sample_build
    tree = outline(out / "en" / "immunotherapy.pdf")
    assert [(title, page) for title, page, _ in tree] == [("Immunotherapy", 1)]
    sections = [title for title, _, _ in tree[0][2]]
    assert "What is immunotherapy?" in sections
    assert "For any questions" in sections
    assert "Sources" in sections


def test_fonts_are_the_packaged_ones_embedded_and_subset(sample_build):
    _, out = sample_build
    for lang in ("en", "fr"):
        reader = PdfReader(out / lang / "immunotherapy.pdf")
        names = set()
        for page in reader.pages:
            for font in page["/Resources"]["/Font"].values():
                font = font.get_object()
                descendant = font["/DescendantFonts"][0].get_object()
                descriptor = descendant["/FontDescriptor"].get_object()
                assert "/FontFile2" in descriptor, "embedded TrueType"
                names.add(str(font["/BaseFont"]))
        assert names, "fonts found"
        for name in names:
            prefix, _, family = name.lstrip("/").partition("+")
            assert len(prefix) == 6 and prefix.isupper(), f"{name} is a subset"
            assert family.startswith(SHIPPED_FONTS), name


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="pdffonts (poppler-utils) is installed by make test")
def test_pdffonts_lists_no_fallback_font(sample_build):
    _, out = sample_build
    listing = subprocess.run(["pdffonts", str(out / "fr" / "immunotherapy.pdf")],
                             capture_output=True, text=True, check=True).stdout
    rows = listing.splitlines()[2:]
    assert rows
    for row in rows:
        assert row.split("+")[1].startswith(SHIPPED_FONTS) and " yes yes yes " in row, row


def test_features_render_with_french_typography_intact(features):
    path = features / "fr" / "feature-tour.pdf"
    text = pdf_text(path)
    assert "Le médecin vous dira « très bien » après l’examen." in " ".join(text.split())
    assert "14 mars 2026" in text
    assert "Éruption" in text
    assert "Clinique d’essai & fils <Oncologie>" in text
    assert PdfReader(path).metadata.author == "Clinique d’essai & fils <Oncologie>"


def test_features_english_back_matter_and_markdown(features):
    path = features / "en" / "feature-tour.pdf"
    text = " ".join(pdf_text(path).split())
    for expected in ("Last reviewed: March 14, 2026", "Example source one", "https://example.org/one",
                     "A printed source without a web address", "Related topics", "Second topic",
                     "Call your care team if", "The footnote text.", "Its definition.", "Tell your nurse",
                     "Test Clinic & Sons <Oncology>"):
        assert expected in text, expected
    links = uris(path)
    assert "tel:+18005550199" in links and "tel:+18003630063" in links
    assert "tel:+15145550000" not in links, "numbers inside code stay text"
    assert "https://example.org/one" in links
    html = (features / "en" / "feature-tour.print.html").read_text(encoding="utf-8")
    assert 'class="lead"' in html and "<dl>" in html and "<table>" in html
    assert "Test Clinic &amp; Sons &lt;Oncology&gt;" in html


def test_paper_sizes(features, tmp_path):
    letter = PdfReader(features / "en" / "second-topic.pdf").pages[0].mediabox
    assert (round(letter.width), round(letter.height)) == (612, 792)
    run(FEATURES, tmp_path, topics=("second-topic",), langs=("en",), paper="a4")
    a4 = PdfReader(tmp_path / "en" / "second-topic.pdf").pages[0].mediabox
    assert (round(a4.width), round(a4.height)) == (595, 842)


def test_same_input_gives_identical_bytes(features, tmp_path):
    run(FEATURES, tmp_path, topics=("feature-tour",), langs=("fr",))
    assert (tmp_path / "fr" / "feature-tour.pdf").read_bytes() == (features / "fr" / "feature-tour.pdf").read_bytes()
