"""The print rules of issue #13, read back from PDFs built from a fixture made to stress them.

tests/fixtures/print-stress/ has lists, steps and colon lead-ins at many heights on the page,
a 28-row table across a break, footnotes, urgent callouts, a 60 × 40 pixel picture and a
bundle of two topics that name each other as related. It is built once per session: flat and
booklet (en, fr), and the print-shop variant of one topic.
"""

from __future__ import annotations

import re
import statistics
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader

from brochures.builders.pipeline import Options
from brochures.builders.pipeline import build as build_catalogue
from tests.conftest import FIXTURES

STRESS = FIXTURES / "print-stress"
LANGS = ("en", "fr")
PHONE_HREF = "tel:+15145550199"
URGENT_TITLES = {"en": ("Call your care team right away if", "Go to the emergency department if"),
                 "fr": ("Appelez votre équipe soignante tout de suite si", "Allez à l'urgence si")}
CALL_LABELS = {"en": ("Call your care team now:", "Your care team:"),
               "fr": ("Appelez votre équipe soignante maintenant :", "Votre équipe soignante :")}
MM = 72 / 25.4
XHTML = "{http://www.w3.org/1999/xhtml}"


@dataclass(frozen=True)
class Built:
    out: Path
    problems: list[str]


@pytest.fixture(scope="session")
def stress(tmp_path_factory: pytest.TempPathFactory) -> Built:
    out = tmp_path_factory.mktemp("print-stress")
    results = [
        build_catalogue(Options(content_dir=STRESS, out_dir=out, topics=("stress-lists",), layout="booklet")),
        build_catalogue(Options(content_dir=STRESS, out_dir=out, topics=("stress-tables",), bundles=("stress-kit",))),
        build_catalogue(Options(content_dir=STRESS, out_dir=out, topics=("stress-lists",), langs=("en",),
                                print_marks=True)),
    ]
    problems = [str(p) for result in results for p in result.problems]
    assert not [p for p in problems if "warning" not in p], problems
    return Built(out, problems)


def flat_pdfs(out: Path) -> list[Path]:
    return [out / lang / name for lang in LANGS
            for name in ("stress-lists.pdf", "stress-tables.pdf", "bundles/stress-kit.pdf")]


@dataclass(frozen=True)
class Line:
    page: int
    text: str
    height: float  # of the line box: tells body text from footnotes, headings and the footer
    x: float
    top: float  # from the top of the page


def lines(pdf: Path) -> list[Line]:
    """Every text line as poppler lays it out (tables give one line per cell)."""
    xml = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    root = ET.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", xml))
    found = []
    for number, page in enumerate(root.iter(f"{XHTML}page"), start=1):
        for line in page.iter(f"{XHTML}line"):
            text = " ".join(word.text or "" for word in line.iter(f"{XHTML}word"))
            found.append(Line(number, text, round(float(line.get("yMax")) - float(line.get("yMin")), 1),
                              float(line.get("xMin")), float(line.get("yMin"))))
    return found


def flat(text: str) -> str:
    """Text with no-break spaces and line breaks as plain spaces, typographic apostrophes as '."""
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("’", "'"))


def body_height(found: list[Line]) -> float:
    return statistics.mode(line.height for line in found)


def test_every_urgent_callout_carries_the_bold_phone_link(stress: Built) -> None:
    for lang in LANGS:
        for name in ("stress-lists.pdf", "stress-tables.pdf", "bundles/stress-kit.pdf"):
            reader = PdfReader(stress.out / lang / name)
            callouts = 0
            for page in reader.pages:
                text = flat(page.extract_text())
                titles = [t for t in URGENT_TITLES[lang] for _ in range(text.count(t))]
                callouts += len(titles)
                calls = sum(text.count(f"{label} 514-555-0199") for label in CALL_LABELS[lang])
                assert calls >= len(titles), (name, lang, text[:300])
                tel = [a.get_object() for a in page.get("/Annots", [])
                       if a.get_object().get("/A", {}).get("/URI") == PHONE_HREF]
                assert len(tel) >= len(titles)
                bold: list[bool] = []
                page.extract_text(visitor_text=lambda t, cm, tm, font, size: bold.append(
                    "Bold" in str(font.get("/BaseFont", ""))) if t.strip() == "514-555-0199" else None)
                assert len(bold) >= len(titles) and all(bold), (name, lang)
            assert callouts >= 1, (name, lang)


def test_no_line_ends_in_a_hyphen_break(stress: Built) -> None:
    for pdf in flat_pdfs(stress.out):
        broken = [line.text for line in lines(pdf) if re.search(r"\w-$", line.text)]
        assert broken == [], pdf


def test_lines_hold_60_to_70_characters(stress: Built) -> None:
    for pdf in flat_pdfs(stress.out)[:2] + flat_pdfs(stress.out)[3:5]:
        found = lines(pdf)
        body = sorted(len(line.text) for line in found if line.height == body_height(found))
        assert body[-1] <= 72, pdf
        assert 58 <= body[int(len(body) * 0.9)] <= 70, (pdf, body[-20:])


def test_a_colon_lead_in_never_ends_a_page(stress: Built) -> None:
    for pdf in flat_pdfs(stress.out):
        found = lines(pdf)
        height = body_height(found)
        footer = float(PdfReader(pdf).pages[0].mediabox.height) - 0.85 * 72  # the bottom margin
        for page in range(1, max(line.page for line in found)):
            # text lines (list items may be taller: their marker is in the symbol font), not the
            # footnotes (smaller), the footer or the draft band (turned, so very tall)
            body = [line for line in found if line.page == page and height - 0.5 <= line.height <= 2 * height
                    and line.top < footer]
            if body:
                last = max(body, key=lambda line: line.top)
                assert not last.text.rstrip().endswith(":"), (pdf, page, last.text)


def test_a_lead_in_and_its_short_list_share_a_page(stress: Built) -> None:
    """After a line ending with ":", the indented lines that follow (the list) are on its page."""
    for pdf in (stress.out / "en/stress-lists.pdf", stress.out / "fr/stress-lists.pdf"):  # lists, no table
        found = lines(pdf)
        height = body_height(found)
        footer = float(PdfReader(pdf).pages[0].mediabox.height) - 0.85 * 72
        text = sorted((line for line in found if height - 0.5 <= line.height <= 2 * height and line.top < footer),
                      key=lambda line: (line.page, line.top))
        margin = min(line.x for line in text)
        checked = 0
        for index, lead in enumerate(text):
            if not lead.text.rstrip().endswith(":") or lead.x > margin + 1:  # a paragraph of the body
                continue
            following = text[index + 1:]
            items = next((following[:n] for n, line in enumerate(following) if line.x <= lead.x + 2), following)
            assert items and {line.page for line in items} == {lead.page}, (pdf, lead, items[:2])
            checked += 1
        assert checked >= 12, pdf


def test_footnotes_print_on_the_page_of_their_reference(stress: Built) -> None:
    for pdf in flat_pdfs(stress.out):
        found = lines(pdf)
        height = body_height(found)
        calls = {m: line.page for line in found if line.height == height
                 for m in re.findall(r"(?<=.)\[(\d+)\]", line.text)}
        notes = {m.group(1): line.page for line in found if line.height < height
                 for m in [re.match(r"\[(\d+)\]", line.text)] if m}
        assert calls and calls == notes, pdf


def test_tables_keep_two_rows_each_side_of_a_break_and_repeat_the_header(stress: Built) -> None:
    for lang in LANGS:
        found = lines(stress.out / lang / "stress-tables.pdf")
        day = "Day" if lang == "en" else "Jour"
        rows: dict[int, int] = {}
        headers: dict[int, int] = {}
        for line in found:
            if re.fullmatch(rf"{day} \d+", line.text):
                rows[line.page] = rows.get(line.page, 0) + 1
            if line.text == day:
                headers[line.page] = headers.get(line.page, 0) + 1
        assert len(rows) >= 2 and all(count >= 2 for count in rows.values()), rows
        assert all(headers.get(page) == 1 for page in rows), (rows, headers)


def test_bundle_contents_and_related_topics_give_real_page_numbers(stress: Built) -> None:
    for lang in LANGS:
        reader = PdfReader(stress.out / lang / "bundles/stress-kit.pdf")
        texts = [flat(page.extract_text()) for page in reader.pages]
        starts = {title: next(n for n, t in enumerate(texts, 1) if n > 1 and t.lstrip().startswith(
            ("Test Clinic", "Clinique")) and title in t[:200]) for title in (
            ("Pagination stress test", "Table stress test") if lang == "en" else
            ("Essai de pagination", "Essai de tableau"))}
        cover = texts[0]
        assert "514-555-0199" in cover and not re.search(r"Page \d+|Page \d+ de", cover)
        for title, page in starts.items():
            assert re.search(rf"{title}[ .]*{page}\b", cover), (title, page, cover)
        see = "see page" if lang == "en" else "voir page"
        for title, page in starts.items():
            assert re.search(rf"{title}, {see} {page}\b", "\n".join(texts)), (title, page)
        assert not any(t.strip() == "" for t in texts)


def test_booklets_have_no_empty_page_and_folios_on_the_outer_edge(stress: Built) -> None:
    for lang in LANGS:
        reader = PdfReader(stress.out / lang / "stress-lists.booklet.pdf")
        half = float(reader.pages[0].mediabox.width) / 2
        for sheet in reader.pages:
            halves = [[], []]
            sheet.extract_text(visitor_text=lambda t, cm, tm, font, size: halves[int(tm[4] * cm[0] + cm[4] >= half)]
                               .append((t, tm[4] * cm[0] + cm[4])) if t.strip() else None)
            for side, runs in enumerate(halves):
                assert runs, "an empty page in the booklet"
                for text, x in runs:
                    folio = re.search(r"(?:Page|Page) (\d+) (?:of|de) \d+", text)
                    if folio:
                        inside = x - side * half
                        odd = int(folio.group(1)) % 2
                        assert (inside > half / 2) == bool(odd), (text, inside)


def test_nothing_prints_within_6_mm_of_the_paper_edge(stress: Built, tmp_path: Path) -> None:
    from PIL import Image

    for pdf in (stress.out / "en/stress-lists.pdf", stress.out / "fr/stress-lists.booklet.pdf",
                stress.out / "fr/bundles/stress-kit.pdf"):
        subprocess.run(["pdftoppm", "-gray", "-r", "50", "-png", str(pdf), str(tmp_path / pdf.stem)], check=True)
        for png in sorted(tmp_path.glob(f"{pdf.stem}*.png")):
            image = Image.open(png).convert("L")
            edge = round(6 / 25.4 * 50)
            width, height = image.size
            for box in ((0, 0, width, edge), (0, height - edge, width, height), (0, 0, edge, height),
                        (width - edge, 0, width, height)):
                assert image.crop(box).getextrema()[0] > 200, (png.name, box)


def test_print_shop_file_is_pdf_x4_with_marks_outside_the_bleed(stress: Built, tmp_path: Path) -> None:
    from PIL import Image

    pdf = stress.out / "en/stress-lists.print-marks.pdf"
    reader = PdfReader(pdf)
    assert reader.pdf_header == "%PDF-1.6"
    intent = reader.trailer["/Root"]["/OutputIntents"][0].get_object()
    assert intent["/S"] == "/GTS_PDFX" and intent["/DestOutputProfile"].get_object()["/N"] == 4
    assert b"<pdfxid:GTS_PDFXVersion>PDF/X-4<" in reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # still tagged, without the PDF/UA claim
    assert b"pdfuaid" not in reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    for number, sheet in enumerate(reader.pages):  # no dead link: every link into the file lands on a page
        for annotation in (a.get_object() for a in sheet.get("/Annots", [])):
            action = annotation.get("/A", {})
            target = annotation.get("/Dest") or (action.get("/D") if action.get("/S") == "/GoTo" else None)
            if target is not None:  # a named destination (a footnote, its call) or an explicit one
                destination = reader.named_destinations[target] if isinstance(target, str) \
                    else reader._build_destination("", target)
                assert reader._get_page_number_by_indirect(destination.page) is not None
    page = reader.pages[0]
    media, bleed, trim = ([float(v) for v in box] for box in (page.mediabox, page.bleedbox, page.trimbox))
    assert [round(b - t, 1) for b, t in zip(bleed, trim)] == [-8.5, -8.5, 8.5, 8.5]
    assert all(m < b - 20 for m, b in zip(media[:2], bleed[:2])) and all(m > b + 20 for m, b in zip(media[2:], bleed[2:]))
    subprocess.run(["pdftoppm", "-gray", "-r", "72", "-f", "1", "-l", "1", "-png", str(pdf), str(tmp_path / "p")],
                   check=True)
    image = Image.open(next(tmp_path.glob("p*.png"))).convert("L")
    width, height = image.size
    gap = round(bleed[0] - media[0])  # slug width in pixels at 72 dpi: everything outside the BleedBox
    reach = gap + 12  # a crop mark sits on the trim line, 8.5 pt inside the bleed's edge
    for left in (True, False):
        for top in (True, False):
            x0, y0 = (0 if left else width - reach), (0 if top else height - reach)
            sx0, sy0 = (0 if left else width - gap), (0 if top else height - gap)
            above = image.crop((x0, sy0, x0 + reach, sy0 + gap))  # the slug above or below the corner
            beside = image.crop((sx0, y0, sx0 + gap, y0 + reach))  # the slug left or right of it
            where = f"{'top' if top else 'bottom'}-{'left' if left else 'right'}"
            assert above.getextrema()[0] < 128 and beside.getextrema()[0] < 128, f"no crop mark at the {where}"


def test_a_low_resolution_image_is_named_in_a_warning(stress: Built) -> None:
    warnings = [p for p in stress.problems if "small.png" in p]
    assert warnings and all("96 ppi" in p and "below 200 ppi" in p for p in warnings), stress.problems
