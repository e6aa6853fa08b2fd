"""Bundles: one PDF per kit with a cover that lists the topics with page numbers that are right,
recto starts (blank left pages are ruled notes pages), bookmarks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from brochures.builders.pipeline import Options, build
from tests.conftest import SAMPLE_CONTENT, pdf_text
from tests.pdfread import outline, top_text

BUNDLE = "starting-immunotherapy"
TOPICS = {"en": ["Immunotherapy", "Managing side effects", "Preventing infections"],
          "fr": ["Immunothérapie", "Gérer les effets secondaires", "Prévenir les infections"]}
# (folio, blank-page title, contact box heading, a phrase printed only on the back page)
LABELS = {"en": ("Page {} of {}", "Notes", "For any questions", "My questions for my care team"),
          "fr": ("Page {} de {}", "Notes", "Pour toute question", "Mes questions pour mon équipe soignante")}
DRAFT_MARK = {"en": "DRAFT, not for distribution", "fr": "ÉBAUCHE, ne pas distribuer"}  # the sample is a draft


@pytest.fixture(scope="module")
def bundle_pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("bundles")
    result = build(Options(content_dir=SAMPLE_CONTENT, out_dir=out, bundles=(BUNDLE,)))
    assert result.ok and not result.problems, [str(p) for p in result.problems]
    assert sorted(str(o.path.relative_to(out)) for o in result.outputs) == [
        f"en/bundles/{BUNDLE}.pdf", f"fr/bundles/{BUNDLE}.pdf"]
    return {lang: out / lang / "bundles" / f"{BUNDLE}.pdf" for lang in ("en", "fr")}


def toc_numbers(reader: PdfReader, titles: list[str]) -> dict[str, int]:
    """Read the contents on the cover back: title → printed page number."""
    text = " ".join(reader.pages[0].extract_text().split())
    numbers = {}
    for title in titles:
        match = re.search(re.escape(title) + r"[ .]*?(\d+)", text)
        assert match, f"{title} in TOC: {text}"
        numbers[title] = int(match.group(1))
    return numbers


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_toc_numbers_bookmarks_and_recto_starts_agree(bundle_pdfs, lang):
    path = bundle_pdfs[lang]
    reader = PdfReader(path)
    titles = TOPICS[lang]
    printed = toc_numbers(reader, titles)
    tree = outline(path)
    topic_entries = [(title, page) for title, page, _ in tree if title in titles]
    assert [title for title, _ in topic_entries] == titles, "one bookmark per topic, in order"
    for title, page in topic_entries:
        assert printed[title] == page, f"TOC says {printed[title]}, {title} starts on {page}"
        assert page % 2 == 1, f"{title} starts on a right-hand page"
        assert title in " ".join(reader.pages[page - 1].extract_text().split())  # a title may wrap
    children = {title: [child for child, _, _ in kids] for title, _, kids in tree}
    for title in titles:
        assert len(children[title]) >= 3, "sections nested under their topic"
        assert any(c == "Sources" for c in children[title]), "each topic keeps its own sources"
    assert tree[-1][0] == LABELS[lang][2], "contact box last, at top level"


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_page_numbers_run_on_and_blank_pages_stay_blank(bundle_pdfs, lang):
    reader = PdfReader(bundle_pdfs[lang])
    total = len(reader.pages)
    folio, blank_note, _, contact_only = LABELS[lang]
    text = pdf_text(bundle_pdfs[lang])
    assert text.count(contact_only) == 1, "the contact box once, at the end"
    for number, page in enumerate(reader.pages, start=1):
        page_text = page.extract_text()
        if number == 1:
            assert "Page" not in page_text, "no page number on the cover"
        elif page_text.startswith(blank_note):
            assert folio.format(number, total) not in page_text
            assert DRAFT_MARK[lang] in page_text, "a draft says so on blank pages too"
            assert len(page_text.replace(DRAFT_MARK[lang], "").split()) <= 2, "nothing but the title"
        else:
            assert folio.format(number, total) in page_text


def test_running_header_names_the_current_topic(bundle_pdfs):
    reader = PdfReader(bundle_pdfs["en"])
    starts = {title: page for title, page, _ in outline(bundle_pdfs["en"]) if title in TOPICS["en"]}
    second = TOPICS["en"][1]
    assert top_text(reader.pages[starts[second]]) == second  # the page after its first page


@pytest.mark.parametrize("bundles_yaml, fragment", [
    ("kit:\n  title: Kit\n  topics: [minimal, nope]\n",
     "bundles.yaml:1: bundles: bundle 'kit': unknown topic 'nope' (known: english-only, minimal)"),
    ("kit:\n  title: Kit\n  topics: [minimal]\n  colour: red\n",
     "bundles.yaml:1: bundles: bundle 'kit': unknown key 'colour'"),
    ("kit:\n  topics: [minimal]\n", "bundle 'kit': 'title' is required"),
    ("kit: [minimal]\n", "bundle 'kit': expected 'title:' and 'topics:'"),
    ("kit:\n  title: {en: Kit, fr: Trousse}\n  topics: [minimal, english-only]\n",
     "bundles.yaml:1: bundles: bundle 'kit' needs topic 'english-only' in 'fr', which it lacks (it has: en)"),
    ("kit:\n  title: {en: Kit}\n  topics: [minimal]\n", "bundle 'kit' has no 'fr' title"),
    ("kit:\n  title: Kit\n  topics: [minimal\n", "bundles.yaml:3: bundles: invalid YAML"),
])
def test_bundle_errors_name_bundle_topic_and_alternatives(catalogue, build, bundles_yaml, fragment):
    content = catalogue({
        "bundles.yaml": bundles_yaml,
        "english-only/en.md": "---\ntitle: Only English\n---\nText.\n",
    })
    run = build(content, "--bundle", "kit") if "invalid" not in fragment else build(content)
    assert run.code == 1
    assert any(line.endswith(fragment) or fragment in line for line in run.lines), run.err
    assert "Traceback" not in run.err
    assert not (run.out_dir / "fr" / "bundles" / "kit.pdf").exists()


def test_unknown_bundle_on_the_command_line(catalogue, build):
    content = catalogue({"bundles.yaml": "kit:\n  title: Kit\n  topics: [minimal]\n"})
    run = build(content, "--bundle", "kitt")
    assert run.code == 1
    assert "unknown bundle 'kitt' (did you mean 'kit'?)" in run.err
