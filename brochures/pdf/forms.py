"""Finish the form fields WeasyPrint writes, so that a patient can type and tick in any reader,
print the form empty or filled, and hear every field named.

The fields come from our templates only: the questions page's `<textarea>` and the task items'
check boxes (html/checklists.py), given `appearance: auto` in a PDF for screens (brochure.css,
`fillable`). WeasyPrint 70 turns them into AcroForm fields and tags each with a `Form` structure
element holding only its widget (an OBJR), at the element's place in the reading order, with its
page's tab order following the structure (/Tabs /S) and its tooltip (/TU) from its `title`. It
knows where each box was laid out and where it sits in the structure tree; adding the fields
after it with pikepdf from reported positions would redo that work, and the structure repair
(structure.py) would then have to place elements it never saw. So WeasyPrint makes the fields
and this module repairs what it leaves wrong:

- no appearance streams for text fields, and `/NeedAppearances true`, which hands drawing to the
  reader: Ghostscript and poppler then draw fields their own way, or not at all. Each text field
  gets an empty appearance (the ruled lines are the page's own, so an empty form prints as the
  lines), each check box an appearance for both states (a drawn tick, no font), and
  NeedAppearances goes;
- its default appearances (/DA) name the page's subset font and hold a `gs` operator no reader
  expects: the text is set in the shipped font (field_font.py) at the element's size (the body
  size: 13 pt, 17 pt in large print);
- its form resources (/DR) are the first page's resources; they become the field font alone;
- names repeat when a template repeats one: a repeated name gets a suffix, so every field is its own;
- widget rectangles may run top to bottom: they are normalised.

The appearances are written here, not by qpdf's generator (`--generate-appearances`), which
prints accented letters in these fonts as other glyphs.

Runs after the structure repair, on every PDF that has a form (render.py); `field_problems`
says what a finished form still lacks. A document of its own built like a bundle (a kit for one
patient) gets the same fields: give its template `PageContext.fillable` (`Variant.fillable`),
include `partials/back_page.html.j2` for the questions page, and render it with
`render.render_pdf`. Names stay unique across topics (`<topic>--task-<n>`, `questions`; a repeated
one gets a suffix); check `field_problems` before encrypting.
"""

from __future__ import annotations

import re
from io import BytesIO

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from brochures.pdf.field_font import RESOURCE_NAME, field_font

ON_STATE = Name("/Yes")
OFF_STATE = Name("/Off")
PRINTABLE = 1 << 2
TEXT_COLOUR = "0.067 g"  # #111, the body text's
_SIZE = re.compile(rb"([0-9.]+)\s+Tf")


def has_form(document) -> bool:
    """Whether a laid-out WeasyPrint document has form fields (its pages gathered inputs)."""
    return any(inputs for page in document.pages for inputs in page.forms.values())


def finish_fields(data: bytes) -> bytes:
    """The PDF with its form fields repaired (see the module docstring); unchanged without a form."""
    with pikepdf.open(BytesIO(data)) as pdf:
        form = pdf.Root.get("/AcroForm")
        if form is None or not form.get("/Fields"):
            return data
        font = field_font(pdf)
        names: set[str] = set()
        for field in form.Fields:
            _unique_name(field, names)
            _normalise_rect(field)
            field.F = PRINTABLE
            if field.get("/FT") == Name.Tx:
                _text_field(pdf, field)
            elif field.get("/FT") == Name.Btn:
                _check_box(pdf, field)
        form.DR = Dictionary(Font=Dictionary({RESOURCE_NAME: font}))
        form.DA = String(f"{RESOURCE_NAME} 0 Tf {TEXT_COLOUR}")
        if "/NeedAppearances" in form:
            del form.NeedAppearances
        for page in pdf.pages:
            if any(a.get("/Subtype") == Name.Widget for a in page.obj.get("/Annots") or []):
                page.obj.Tabs = Name.S
        out = BytesIO()
        pdf.save(out, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate,
                 compress_streams=True)
    return out.getvalue()


def _unique_name(field, names: set[str]) -> None:
    name = str(field.get("/T", "")) or "field"
    unique, count = name, 1
    while unique in names:
        count += 1
        unique = f"{name}-{count}"
    names.add(unique)
    field.T = String(unique)


def _normalise_rect(field) -> None:
    x1, y1, x2, y2 = (float(v) for v in field.Rect)
    field.Rect = Array([round(min(x1, x2), 3), round(min(y1, y2), 3), round(max(x1, x2), 3), round(max(y1, y2), 3)])


def _size(field) -> tuple[float, float]:
    x1, y1, x2, y2 = (float(v) for v in field.Rect)
    return round(x2 - x1, 3), round(y2 - y1, 3)


def _appearance(pdf: pikepdf.Pdf, field, content: bytes) -> pikepdf.Object:
    width, height = _size(field)
    stream = pikepdf.Stream(pdf, content)
    stream.Type = Name.XObject
    stream.Subtype = Name.Form
    stream.BBox = Array([0, 0, width, height])
    stream.Resources = Dictionary()
    return pdf.make_indirect(stream)


def _text_field(pdf: pikepdf.Pdf, field) -> None:
    """The shipped font at the element's size, and an empty appearance: the lines are the page's."""
    found = _SIZE.search(bytes(field.get("/DA", b"")))
    size = round(float(found.group(1)), 2) if found else 0
    field.DA = String(f"{RESOURCE_NAME} {size:g} Tf {TEXT_COLOUR}")
    field.Q = 0
    if "/V" not in field:
        field.V = String("")
    if "/MK" in field:
        del field.MK
    field.AP = Dictionary(N=_appearance(pdf, field, b"/Tx BMC EMC"))


def _check_box(pdf: pikepdf.Pdf, field) -> None:
    """An appearance for each state: nothing over the page's drawn box when off, a tick when on."""
    width, height = _size(field)
    side = min(width, height)
    points = [(0.18, 0.52), (0.42, 0.24), (0.84, 0.84)]
    path = " ".join(f"{round(x * width, 3)} {round(y * height, 3)} {'m' if i == 0 else 'l'}"
                    for i, (x, y) in enumerate(points))
    tick = f"q {TEXT_COLOUR.replace(' g', ' G')} {round(side * 0.16, 3)} w 1 J 1 j {path} S Q".encode("ascii")
    checked = field.get("/AS", OFF_STATE) != OFF_STATE or field.get("/V", OFF_STATE) != OFF_STATE
    off = _appearance(pdf, field, b"q Q")  # not b"": saved as empty Flate data, which Ghostscript rejects
    field.AP = Dictionary(N=Dictionary({"/Yes": _appearance(pdf, field, tick), "/Off": off}))
    field.AS = field.V = ON_STATE if checked else OFF_STATE
    field.DA = String(f"{RESOURCE_NAME} 0 Tf {TEXT_COLOUR}")
    for key in ("/MK", "/Border"):
        if key in field:
            del field[key]


def field_problems(pdf: pikepdf.Pdf) -> list[str]:
    """What a finished form lacks, one line per field: a unique name, a tooltip (/TU), a `Form`
    structure element holding only its widget, an appearance for each state, /Tabs /S on its page."""
    problems: list[str] = []
    forms = _form_elements(pdf)
    pages = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
    seen: set[str] = set()
    for field in pdf.Root.get("/AcroForm", Dictionary()).get("/Fields") or []:
        name = str(field.get("/T", ""))
        where = f"field '{name}'"
        if not name or name in seen:
            problems.append(f"{where}: no name of its own")
        seen.add(name)
        if not str(field.get("/TU", "")).strip():
            problems.append(f"{where}: no tooltip (/TU)")
        if forms.get(field.objgen) != 1:
            problems.append(f"{where}: not the only kid of a Form structure element")
        normal = field.get("/AP", Dictionary()).get("/N")
        states = [normal] if isinstance(normal, pikepdf.Stream) else list((normal or Dictionary()).values())
        if not states or not all(isinstance(s, pikepdf.Stream) for s in states):
            problems.append(f"{where}: no appearance stream")
        page = field.get("/P")
        if page is None or page.objgen not in pages or page.get("/Tabs") != Name.S:
            problems.append(f"{where}: its page does not follow the structure for tab order (/Tabs /S)")
    if pdf.Root.get("/AcroForm", Dictionary()).get("/NeedAppearances"):
        problems.append("the form asks readers to draw its fields (/NeedAppearances)")
    return problems


def _form_elements(pdf: pikepdf.Pdf) -> dict[tuple[int, int], int]:
    """Widget annotation → how many kids its `Form` element has (1 when it holds only the widget)."""
    found: dict[tuple[int, int], int] = {}
    pending = [pdf.Root.get("/StructTreeRoot")]
    while pending:
        node = pending.pop()
        kids = node.get("/K") if node is not None else None
        kids = list(kids) if isinstance(kids, Array) else [kids] if kids is not None else []
        if node is not None and node.get("/S") == Name.Form:
            for kid in kids:
                if isinstance(kid, Dictionary) and kid.get("/Type") == Name.OBJR:
                    found[kid.Obj.objgen] = len(kids)
        pending.extend(kid for kid in kids if isinstance(kid, Dictionary) and "/S" in kid)
    return found
