"""Questions a patient can type and boxes they can tick, read back and filled by readers we did
not write: pdf.js (pdfjs-dist in Node, as Firefox fills a form) and pypdf fill and save, the saved
file keeps the text and still passes page-validation (PDF/UA-1), and poppler and Ghostscript
print the filled fields. Booklets and print-shop files stay print-only: no field at all.

page-validation and outloud on every kind of PDF, fields included, run in test_accessibility.py
(its stress fixture's topics carry task items).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from io import BytesIO
from pathlib import Path

import page as page_validation
import pikepdf
import pytest
from fontTools.ttLib import TTFont
from PIL import Image
from pypdf import PdfReader, PdfWriter

from brochures.builders.pipeline import Options, build
from brochures.cli import main
from brochures.html.fonts import FONT_DIR
from brochures.pdf.render import render_pdf
from tests.browser import ROOT
from tests.conftest import FIXTURES, SAMPLE_CONTENT
from tests.pdfread import runs

STRESS = FIXTURES / "accessibility"
FILL_PDFJS = Path(__file__).with_name("fill_pdfjs.mjs")
PDFJS = ROOT / "node_modules" / "pdfjs-dist"
QUESTIONS = {"en": "My questions for my care team", "fr": "Mes questions pour mon équipe soignante"}
# Typed by a patient: accents, a ligature, French quotes and spaces, a dash, two lines.
TYPED = "Est-ce que je peux conduire après la séance ?\nŒdème, naïve, « oui » – çà et là."
needs_pdfjs = pytest.mark.usefixtures("pdfjs_installed")  # fails, not skips: make test installs it


def field_problems(pdf: pikepdf.Pdf) -> list[str]:
    """What a finished form lacks, one line per field: a unique name, a tooltip (/TU), a `Form`
    structure element holding only its widget, an appearance for each state, /Tabs /S on its page."""
    problems: list[str] = []
    forms = _form_elements(pdf)
    pages = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
    seen: set[str] = set()
    for field in pdf.Root.get("/AcroForm", pikepdf.Dictionary()).get("/Fields") or []:
        name = str(field.get("/T", ""))
        where = f"field '{name}'"
        if not name or name in seen:
            problems.append(f"{where}: no name of its own")
        seen.add(name)
        if not str(field.get("/TU", "")).strip():
            problems.append(f"{where}: no tooltip (/TU)")
        if forms.get(field.objgen) != 1:
            problems.append(f"{where}: not the only kid of a Form structure element")
        normal = field.get("/AP", pikepdf.Dictionary()).get("/N")
        states = [normal] if isinstance(normal, pikepdf.Stream) else list((normal or pikepdf.Dictionary()).values())
        if not states or not all(isinstance(s, pikepdf.Stream) for s in states):
            problems.append(f"{where}: no appearance stream")
        page = field.get("/P")
        if page is None or page.objgen not in pages or page.get("/Tabs") != pikepdf.Name.S:
            problems.append(f"{where}: its page does not follow the structure for tab order (/Tabs /S)")
    if pdf.Root.get("/AcroForm", pikepdf.Dictionary()).get("/NeedAppearances"):
        problems.append("the form asks readers to draw its fields (/NeedAppearances)")
    return problems


def _form_elements(pdf: pikepdf.Pdf) -> dict[tuple[int, int], int]:
    """Widget annotation → how many kids its `Form` element has (1 when it holds only the widget)."""
    found: dict[tuple[int, int], int] = {}
    pending = [pdf.Root.get("/StructTreeRoot")]
    while pending:
        node = pending.pop()
        kids = node.get("/K") if node is not None else None
        kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []
        if node is not None and node.get("/S") == pikepdf.Name.Form:
            for kid in kids:
                if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == pikepdf.Name.OBJR:
                    found[kid.Obj.objgen] = len(kids)
        pending.extend(kid for kid in kids if isinstance(kid, pikepdf.Dictionary) and "/S" in kid)
    return found
needs_gs = pytest.mark.skipif(not shutil.which("gs"), reason="ghostscript is installed by make")


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The stress fixture's topics and kit (two topics with task items) for screens in English and
    French, its French kit in large print, and its print-only files: booklet and print shop."""
    out = tmp_path_factory.mktemp("forms")
    runs_ = {
        "screen": Options(content_dir=STRESS, out_dir=out / "screen", web=False),
        "large": Options(content_dir=STRESS, out_dir=out / "large", bundles=("kit",), langs=("fr",),
                         large_print=True, web=False),
        "booklet": Options(content_dir=STRESS, out_dir=out / "booklet", topics=("short-note",), langs=("fr",),
                           layout="booklet", web=False),
        "marks": Options(content_dir=STRESS, out_dir=out / "marks", topics=("short-note",), langs=("en",),
                         print_marks=True, web=False),
    }
    for options in runs_.values():
        result = build(options, jobs=2)
        assert result.ok, [str(p) for p in result.problems]
    return {str(path.relative_to(out)): path for path in sorted(out.rglob("*.pdf"))}


def fields(path: Path) -> dict[str, dict]:
    """Each widget by name: type, tooltip, page (1-based), rectangle, text size, state."""
    found = {}
    with pikepdf.open(path) as pdf:
        for number, page in enumerate(pdf.pages, 1):
            for widget in page.obj.get("/Annots") or []:
                if widget.get("/Subtype") != "/Widget":
                    continue
                da = str(widget.get("/DA", "")).split()
                found[str(widget.T)] = {"type": str(widget.FT), "tooltip": str(widget.TU), "page": number,
                                        "rect": [float(v) for v in widget.Rect],
                                        "size": float(da[da.index("Tf") - 1]) if "Tf" in da else None,
                                        "state": str(widget.get("/AS", ""))}
    return found


def words(text: str) -> str:
    return " ".join(text.split())


def test_every_field_has_its_own_name_a_tooltip_a_form_element_and_an_appearance(made):
    screen = {name: path for name, path in made.items()
              if not name.endswith((".booklet.pdf", ".print-marks.pdf")) and "/halves/" not in name}
    assert len(screen) == 8  # the booklet's build also writes the flat copy for screens
    for name, path in screen.items():
        with pikepdf.open(path) as pdf:
            assert field_problems(pdf) == [], name
            assert "/NeedAppearances" not in pdf.Root.AcroForm
        lang = name.split("/")[1]
        found = fields(path)
        reader = PdfReader(path)
        for field, info in found.items():  # each tooltip is the words printed on the field's page
            assert info["tooltip"] and words(info["tooltip"]) in words(reader.pages[info["page"] - 1].extract_text())
        assert found["questions"]["tooltip"] == QUESTIONS[lang] and found["questions"]["type"] == "/Tx"
        assert found["questions"]["page"] == len(reader.pages)
    kit = fields(made["screen/fr/bundles/kit.pdf"])
    assert sorted(kit) == ["long-content--task-1", "long-content--task-2", "long-content--task-3", "questions",
                           "short-note--task-1", "short-note--task-2", "short-note--task-3"]
    assert kit["short-note--task-2"]["tooltip"] == "Votre carte d’assurance maladie"
    assert [kit[f"short-note--task-{n}"]["state"] for n in (1, 2, 3)] == ["/Off", "/Yes", "/Off"]  # `- [x]`


def test_the_field_text_is_the_shipped_font_at_body_size(made):
    assert fields(made["screen/en/bundles/kit.pdf"])["questions"]["size"] == 13
    assert fields(made["large/fr/bundles/kit.large-print.pdf"])["questions"]["size"] == 17
    with pikepdf.open(made["screen/fr/short-note.pdf"]) as pdf:
        font = pdf.Root.AcroForm.DR.Font["/Atkinson"]
        assert (font.Subtype, font.Encoding) == ("/TrueType", "/WinAnsiEncoding")
        program = font.FontDescriptor.FontFile2
        programs = [o for o in pdf.objects if isinstance(o, pikepdf.Stream) and "/Length1" in o]
        assert [o.objgen for o in programs if o.read_bytes() == program.read_bytes()] == [program.objgen]  # once
        shipped = TTFont(FONT_DIR / "AtkinsonHyperlegible-Regular.ttf")
        cut = TTFont(BytesIO(program.read_bytes()))
        assert cut["name"].getDebugName(6) == shipped["name"].getDebugName(6)
        for char in TYPED.replace("\n", "") + "ÀÂÇÉÈÊËÎÏÔÙÛÜŸàâçéèêëîïôùûüÿœŒ«»’“”€ñÑ¿¡":  # French, Spanish
            assert outline(cut, char) == outline(shipped, char), char


def outline(font: TTFont, char: str) -> tuple:
    """How a font draws a character: its glyph's points and its advance."""
    name = font.getBestCmap()[ord(char)]
    coordinates = font["glyf"][name].getCoordinates(font["glyf"])[0]
    return list(coordinates), font["hmtx"][name][0]


def test_the_questions_field_covers_the_lines_between_its_title_and_the_contact_box(made):
    path = made["screen/en/short-note.pdf"]
    info = fields(path)["questions"]
    x1, y1, x2, y2 = info["rect"]
    drawn = runs(PdfReader(path).pages[info["page"] - 1])
    title = next(run for run in drawn if run.text == QUESTIONS["en"])
    contact = next(run for run in drawn if run.text == "For any questions")
    assert contact.y + contact.size < y1 < y2 < title.y  # under the title, over the contact box
    assert x2 - x1 > 380 and y2 - y1 > 300  # the text column's width, most of the page


def test_print_only_files_have_no_fields(made):
    print_only = {name: path for name, path in made.items() if name.endswith((".booklet.pdf", ".print-marks.pdf"))}
    assert len(print_only) == 2
    for name, path in print_only.items():
        with pikepdf.open(path) as pdf:
            assert "/AcroForm" not in pdf.Root, name
            assert not [a for page in pdf.pages for a in page.obj.get("/Annots") or [] if a.Subtype == "/Widget"]
        text = words("".join(page.extract_text() for page in PdfReader(path).pages))
        assert "Your health card" in text or "Votre carte d’assurance maladie" in text


def test_a_template_that_repeats_a_name_still_gets_one_field_each(tmp_path):
    html = """<!DOCTYPE html><html lang="en"><head><title>Two areas</title></head><body>
    <p>Notes</p><textarea name="notes" title="Notes" style="appearance: auto; display: block; height: 80pt"></textarea>
    <textarea name="notes" title="More notes" style="appearance: auto; display: block; height: 80pt"></textarea>
    <p><input type="checkbox" name="notes" title="Done" style="appearance: auto"> Done</p></body></html>"""
    data = render_pdf(html, tmp_path, [], "@page { size: letter; }", [tmp_path]).data
    with pikepdf.open(BytesIO(data)) as pdf:
        assert [str(f.T) for f in pdf.Root.AcroForm.Fields] == ["notes", "notes-2", "notes-3"]
        assert [str(f.TU) for f in pdf.Root.AcroForm.Fields] == ["Notes", "More notes", "Done"]
        assert field_problems(pdf) == []


# Filled by other readers --------------------------------------------------------------------

def fill_with_pdfjs(source: Path, target: Path, values: dict) -> list[dict]:
    done = subprocess.run(["node", str(FILL_PDFJS), str(source), str(target), json.dumps(values)],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def fill_with_pypdf(source: Path, target: Path, values: dict) -> None:
    writer = PdfWriter(clone_from=source)
    writer.update_page_form_field_values(None, values, auto_regenerate=False)
    writer.write(target)


def appearance_text(path: Path, name: str) -> str:
    """The text a reader drew into the field's appearance, decoded as WinAnsi (the field font's)."""
    with pikepdf.open(path) as pdf:
        widget = next(a for page in pdf.pages for a in page.obj.get("/Annots") or [] if str(a.get("/T")) == name)
        shown = [operand for operands, operator in pikepdf.parse_content_stream(widget.AP.N)
                 if str(operator) in ("Tj", "'") for operand in operands]
        shown += [item for operands, operator in pikepdf.parse_content_stream(widget.AP.N)
                  if str(operator) == "TJ" for item in operands[0] if isinstance(item, pikepdf.String)]
    return " ".join(bytes(s).decode("cp1252") for s in shown)


def ink(image: Path, rect: list[float], page_height: float, dpi: int) -> int:
    """Dark pixels of a rendered page inside a PDF rectangle."""
    scale = dpi / 72
    x1, y1, x2, y2 = rect
    box = (round(x1 * scale) + 2, round((page_height - y2) * scale) + 2,
           round(x2 * scale) - 2, round((page_height - y1) * scale) - 2)
    crop = Image.open(image).convert("L").crop(box)
    return sum(crop.histogram()[:128])


def render(path: Path, page: int, out: Path, tool: str, dpi: int = 100) -> Path:
    target = out / f"{path.stem}-{page}-{tool}.png"
    if tool == "poppler":
        subprocess.run(["pdftoppm", "-png", "-gray", "-r", str(dpi), "-f", str(page), "-l", str(page),
                        "-singlefile", str(path), str(target.with_suffix(""))], check=True)
    else:
        done = subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=pnggray", f"-r{dpi}",
                               f"-dFirstPage={page}", f"-dLastPage={page}", f"-sOutputFile={target}", str(path)],
                              capture_output=True, text=True, check=True)
        assert "error" not in (done.stdout + done.stderr).lower(), done.stdout + done.stderr
    return target


def assert_prints_filled(empty: Path, filled: Path, tmp_path: Path, checked: str, unchecked: str) -> None:
    """Poppler and Ghostscript print the typed text over the lines and a tick in the checked box."""
    before, after = fields(empty), fields(filled)
    page_height = float(PdfReader(filled).pages[0].mediabox.height)
    (tmp_path / "empty").mkdir()
    for tool in ("poppler", "gs"):
        questions = after["questions"]
        blank = render(empty, questions["page"], tmp_path / "empty", tool)
        typed = render(filled, questions["page"], tmp_path, tool)
        assert ink(typed, questions["rect"], page_height, 100) > ink(blank, questions["rect"], page_height, 100) + 500
        page = after[checked]["page"]
        image = render(filled, page, tmp_path, tool)
        tick, box = (ink(image, after[name]["rect"], page_height, 100) for name in (checked, unchecked))
        assert before[checked]["state"] == "/Off" and after[checked]["state"] == "/Yes"
        assert tick > box + 20, (tool, tick, box)


@needs_pdfjs
@needs_gs
def test_pdfjs_fills_a_field_and_ticks_a_box_and_the_saved_file_keeps_them(made, tmp_path):
    source = made["screen/fr/bundles/kit.pdf"]
    saved = tmp_path / "kit-filled.pdf"
    seen = fill_with_pdfjs(source, saved, {"questions": TYPED, "short-note--task-1": True,
                                           "short-note--task-2": False})
    # pdf.js finds every field with the name and tooltip we wrote
    assert {f["name"]: f["tooltip"] for f in seen} == {name: info["tooltip"] for name, info in fields(source).items()}
    assert next(f for f in seen if f["name"] == "questions")["multiLine"] is True
    values = {name: field.get("/V") for name, field in PdfReader(saved).get_fields().items()}
    assert values["questions"] == TYPED
    assert (values["short-note--task-1"], values["short-note--task-2"]) == ("/Yes", "/Off")
    drawn = appearance_text(saved, "questions")
    for word in ("après", "séance", "Œdème", "naïve", "« oui »", "–", "çà", "là."):
        assert word in drawn, (word, drawn)
    report = page_validation.validate_pdf(saved, profile="ua1")
    assert report.is_compliant, sorted({f"{f.rule_id}: {f.message}" for f in report.failures})
    assert_prints_filled(source, saved, tmp_path, "short-note--task-1", "short-note--task-3")


@needs_gs
def test_pypdf_fills_a_field_the_same_way(made, tmp_path):
    source = made["screen/en/bundles/kit.pdf"]
    saved = tmp_path / "kit-pypdf.pdf"
    fill_with_pypdf(source, saved, {"questions": TYPED, "long-content--task-1": "/Yes"})
    values = {name: field.get("/V") for name, field in PdfReader(saved).get_fields().items()}
    assert values["questions"] == TYPED and values["long-content--task-1"] == "/Yes"
    drawn = appearance_text(saved, "questions")
    for word in ("après", "Œdème", "« oui »", "çà"):
        assert word in drawn, (word, drawn)
    report = page_validation.validate_pdf(saved, profile="ua1")
    assert report.is_compliant, sorted({f"{f.rule_id}: {f.message}" for f in report.failures})
    assert_prints_filled(source, saved, tmp_path, "long-content--task-1", "long-content--task-2")


def test_a_box_written_checked_prints_its_tick(made, tmp_path):
    path = made["screen/en/short-note.pdf"]
    found = fields(path)
    image = render(path, found["short-note--task-2"]["page"], tmp_path, "poppler")
    height = float(PdfReader(path).pages[0].mediabox.height)
    checked, empty = (ink(image, found[name]["rect"], height, 100) for name in ("short-note--task-2",
                                                                               "short-note--task-1"))
    assert found["short-note--task-2"]["state"] == "/Yes" and checked > empty + 20


@needs_pdfjs
def test_a_patient_kit_has_the_fields_of_every_topic_and_fills_like_a_bundle(tmp_path):
    """A kit is a bundle's topics after a cover letter, then the questions page: its two topics with
    checklists keep their boxes apart, and pdf.js fills it as it fills a bundle."""
    kit = tmp_path / "kit.pdf"
    assert main(["kit", "--content", str(SAMPLE_CONTENT), "--bundle", "starting-immunotherapy", "--lang", "fr",
                 "--patient-name", "Test", "--output", str(kit)]) == 0
    with pikepdf.open(kit) as pdf:
        assert field_problems(pdf) == []
    found = fields(kit)
    topics = {name.split("--")[0] for name in found if "--task-" in name}
    assert topics == {"side-effects", "infection-prevention"} and "questions" in found
    assert found["questions"]["page"] == len(PdfReader(kit).pages)
    saved = tmp_path / "kit-filled.pdf"
    fill_with_pdfjs(kit, saved, {"questions": TYPED, "infection-prevention--task-1": True})
    values = {name: field.get("/V") for name, field in PdfReader(saved).get_fields().items()}
    assert values["questions"] == TYPED and values["infection-prevention--task-1"] == "/Yes"
    report = page_validation.validate_pdf(saved, profile="ua1")
    assert report.is_compliant, sorted({f"{f.rule_id}: {f.message}" for f in report.failures})
