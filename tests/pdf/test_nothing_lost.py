"""Every word and number the writer wrote prints, in English and French, as two readings of the PDF see it.

tests/fixtures/nothing-lost holds what a patient handout meets every day and a converter or a layout
engine could lose without a word: lines shaped like link definitions (useful phone numbers), numbered
steps that go on at 3, text in angle brackets, an escaped e-mail autolink, fenced code blocks, and an
8-column weekly medicine table. Each PDF is read by poppler (layout mode) and by PDFium; the list
numbers by their place on the line; the tagged structure and the validators check it stays readable.
"""

from __future__ import annotations

import re
from pathlib import Path

import page as page_validation
import pdfua
import pytest
from pypdf import PdfReader

from brochures.builders.pipeline import Options, build
from tests.conftest import FIXTURES, structure
from tests.pdf.tagged import marked_content
from tests.pdfread import char_boxes, label_before, pdfium_text, poppler_text, squeezed, uris

FIXTURE = FIXTURES / "nothing-lost"
WORDS = {
    "en": {
        "numbers": ["Useful numbers:", "[Pharmacy]: 514-555-0199", "[Nurse line]: 1-800-363-0063"],
        "steps": [("1.", "Call the clinic."), ("2.", "Write down the time."), ("3.", "Bring your health card."),
                  ("4.", "Bring your medicines.")],
        "brackets": ["Bring <your health card> and your medicines.", "Write to nurse_team@example.org."],
        "email": "mailto:nurse_team@example.org",
        "code": ["<b>Keep this line as written</b>", "Dose: 2 tablets of 5 mg"],
        "table": ["Medicine", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
                  "Ondansetron", "Dexamethasone", "Pantoprazole", "evening", "breakfast", "none"],
    },
    "fr": {
        "numbers": ["Numéros utiles :", "[Pharmacie] : 514-555-0199", "[Ligne infirmière] : 1-800-363-0063"],
        "steps": [("1.", "Appelez la clinique."), ("2.", "Notez l’heure."), ("3.", "Apportez votre carte santé."),
                  ("4.", "Apportez vos médicaments.")],
        "brackets": ["Apportez <votre carte santé> et vos médicaments.", "Écrivez à equipe_soins@example.org."],
        "email": "mailto:equipe_soins@example.org",
        "code": ["<b>Gardez cette ligne telle quelle</b>", "Dose : 2 comprimés de 5 mg"],
        "table": ["Médicament", "Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche",
                  "Ondansétron", "Dexaméthasone", "Pantoprazole", "soir", "déjeuner", "aucun"],
    },
}
VARIANTS = {  # name → options, the text area's side margins in points (brochure.css, large-print.css)
    "letter": ({}, 1.55 * 72),
    "a4": ({"paper": "a4"}, 1.55 * 72),
    "letter-large-print": ({"large_print": True}, 0.85 * 72),
    "a4-large-print": ({"paper": "a4", "large_print": True}, 0.85 * 72),
}


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The fixture on Letter with the web edition, and on A4, in large print and both."""
    out = tmp_path_factory.mktemp("nothing-lost")
    for name, (options, _) in VARIANTS.items():
        result = build(Options(content_dir=FIXTURE, out_dir=out / name, web=name == "letter", **options), jobs=2)
        assert result.ok and result.problems == [], [str(p) for p in result.problems]
    return {name: out / name for name in VARIANTS}


def readings(pdf: Path) -> list[str]:
    return [squeezed(poppler_text(pdf)), squeezed(pdfium_text(pdf))]


def joined(text: str) -> str:
    """Words hyphenated at a line end made whole again (the last resort of a wide table): PDFium
    reads the added hyphen as U+FFFE, the tagged text as a soft hyphen."""
    return squeezed(re.sub("[\u00ad\ufffe]\\s*", "", text))


def tagged_text(pdf: Path) -> str:
    """The text as a screen reader gets it: marked content of the structure tree, in order, with
    each sequence's replacement text (an added hyphen's)."""
    return "".join(m.text if m.actual_text is None else m.actual_text for m in marked_content(pdf) if m.mcid is not None)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_lines_shaped_like_link_definitions_print_with_their_numbers(made, lang):
    pdf = made["letter"] / lang / "numbers.pdf"
    for text in readings(pdf):
        for line in WORDS[lang]["numbers"]:
            assert squeezed(line) in text, (line, text[:300])
    assert {"tel:+15145550199", "tel:+18003630063"} <= set(uris(pdf))


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_numbered_steps_print_their_own_numbers_and_stay_a_list(made, lang):
    pdf = made["letter"] / lang / "numbers.pdf"
    layout = [" ".join(line.split()) for line in poppler_text(pdf).splitlines()]
    for number, step in WORDS[lang]["steps"]:
        assert f"{number} {step}" in layout, (number, step)
        assert label_before(pdf, step) == number, step
    roles = [role for role, _ in structure(pdf)]
    assert roles.count("L") == 2 and roles.count("LI") == 4 and roles.count("Lbl") == 4
    page = (made["letter"] / lang / "numbers" / "index.html").read_text(encoding="utf-8")
    assert '<ol start="3"' in page, "the web page keeps the start number the browser prints"


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_text_in_angle_brackets_and_an_escaped_autolink_print_as_written(made, lang):
    pdf = made["letter"] / lang / "numbers.pdf"
    for text in readings(pdf):
        for line in WORDS[lang]["brackets"]:
            assert squeezed(line) in text
        assert "\x02" not in text and "\x03" not in text
    assert WORDS[lang]["email"] in uris(pdf)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_fenced_code_prints_as_written_in_the_pdf_and_on_the_web(made, lang):
    pdf = made["letter"] / lang / "numbers.pdf"
    definition = squeezed(WORDS[lang]["numbers"][1])
    for text in readings(pdf):
        for line in WORDS[lang]["code"]:
            assert squeezed(line) in text
        assert text.count(definition) == 2, "in the paragraph, and as written in the code block"
    layout = poppler_text(pdf)
    assert WORDS[lang]["code"][0] in layout and "```" not in layout and "~~~" not in layout
    page = (made["letter"] / lang / "numbers" / "index.html").read_text(encoding="utf-8")
    assert "<pre><code>[Pharm" in page and "&lt;b&gt;" in page and "```" not in page


@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_weekly_table_prints_every_day_inside_the_page(made, lang, variant):
    pdf = made[variant] / lang / ("week.large-print.pdf" if "large" in variant else "week.pdf")
    for text in (pdfium_text(pdf), tagged_text(pdf)):  # cell by cell (poppler reads a row line by line)
        for word in WORDS[lang]["table"]:
            assert word in joined(text), (variant, word)
    margin = VARIANTS[variant][1]
    for word in WORDS[lang]["table"]:
        for _, (left, _, right, _), (width, _) in char_boxes(pdf, word):
            assert margin - 1 <= left and right <= width - margin + 1, (variant, word, left, right, width)
    pages = PdfReader(pdf).pages
    table_pages = [page for page in pages if WORDS[lang]["table"][7] in (page.extract_text() or "")]
    if variant == "letter":  # too wide for a portrait Letter page at full size: it has a landscape page
        assert all(page.mediabox.width > page.mediabox.height for page in table_pages)
        assert all(page.mediabox.width < page.mediabox.height for page in pages if page not in table_pages)


def test_the_pages_stay_valid_pdf_ua(made):
    pdfs = [made["letter"] / lang / f"{name}.pdf" for lang in ("en", "fr") for name in ("numbers", "week")]
    pdfs.append(made["a4-large-print"] / "fr" / "week.large-print.pdf")
    for pdf in pdfs:
        report = page_validation.validate_pdf(pdf, profile="ua1")
        assert report.is_compliant, (pdf, sorted({f"{f.rule_id}: {f.message}" for f in report.failures}))
        errors = [f.rule_id for f in pdfua.validate(str(pdf)).findings if f.severity >= pdfua.Severity.ERROR]
        assert errors == [], (pdf, errors)


def test_a_table_too_wide_for_a_booklet_page_fits_with_broken_words_and_says_so(tmp_path):
    """Booklet pages must all be the same size: no landscape page, so the last resorts, and a warning."""
    result = build(Options(content_dir=FIXTURE, out_dir=tmp_path, topics=("week",), langs=("en",), layout="booklet",
                           web=False))
    assert [str(p).split(": warning: ", 1)[1] for p in result.problems] == [
        "the table 'Medicine, Monday, Tuesday, …' is too wide for the page even with smaller type: in "
        "en/week.booklet.pdf its words are broken wherever they must to fit; split it into narrower tables, or "
        "shorten what its cells say"]
    assert result.problems[0].line == 8 and result.problems[0].path == FIXTURE / "week" / "en.md"
    sheets = PdfReader(tmp_path / "en" / "week.booklet.pdf").pages
    assert len({(float(p.mediabox.width), float(p.mediabox.height)) for p in sheets}) == 1
    text = joined(pdfium_text(tmp_path / "en" / "week.booklet.pdf"))
    assert all(day[:3] in text for day in WORDS["en"]["table"][1:8])
