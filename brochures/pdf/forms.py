"""Finish the form fields WeasyPrint writes, so that a patient can type and tick in any reader,
print the form empty or filled, and hear every field named.

The fields come from our templates only: the questions page's `<textarea>` and the task items'
check boxes (html/checklists.py), given `appearance: auto` in a PDF for screens (brochure.css,
`fillable`). WeasyPrint 70 turns them into AcroForm fields and tags each with a `Form` structure
element holding only its widget (an OBJR), at the element's place in the reading order, with its
page's tab order following the structure (/Tabs /S) and its tooltip (/TU) from its `title`. It
knows where each box was laid out and where it sits in the structure tree; adding the fields
after it from reported positions would redo that work, and the structure repair
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

Runs after the structure repair on WeasyPrint's objects before they are written, on every PDF
that has a form (render.py). A document of its own built like a bundle (a kit for one patient)
gets the same fields: give its template `PageContext.fillable` (`Variant.fillable`), include
`partials/back_page.html.j2` for the questions page, and render it with `render.render_pdf`.
Names stay unique across topics (`<topic>--task-<n>`, `questions`; a repeated one gets a suffix).
"""

from __future__ import annotations

import re

import pydyf
from pydyf import Array, Dictionary, String

from brochures.pdf.field_font import RESOURCE_NAME, field_font
from brochures.pdf.structure_tree import resolve

ON_STATE = "/Yes"
OFF_STATE = "/Off"
PRINTABLE = 1 << 2
TEXT_COLOUR = "0.067 g"  # #111, the body text's
_SIZE = re.compile(rb"([0-9.]+)\s+Tf")


def has_form(document) -> bool:
    """Whether a laid-out WeasyPrint document has form fields (its pages gathered inputs)."""
    return any(inputs for page in document.pages for inputs in page.forms.values())


def finish_fields(pdf: pydyf.PDF) -> None:
    """Repair the form fields of the PDF WeasyPrint is about to write (see the module docstring)."""
    form = pdf.catalog.get("AcroForm")
    if form is None or not form.get("Fields"):
        return
    font = field_font(pdf)
    names: set[str] = set()
    for field in (resolve(pdf, reference) for reference in form["Fields"]):
        _unique_name(field, names)
        _normalise_rect(field)
        field["F"] = PRINTABLE
        if field.get("FT") == "/Tx":
            _text_field(pdf, field)
        elif field.get("FT") == "/Btn":
            _check_box(pdf, field)
    form["DR"] = Dictionary({"Font": Dictionary({RESOURCE_NAME[1:]: font.reference})})
    form["DA"] = String(f"{RESOURCE_NAME} 0 Tf {TEXT_COLOUR}")
    form.pop("NeedAppearances", None)


def _unique_name(field: Dictionary, names: set[str]) -> None:
    name = str(field["T"].string) if "T" in field else ""
    name = name or "field"
    unique, count = name, 1
    while unique in names:
        count += 1
        unique = f"{name}-{count}"
    names.add(unique)
    field["T"] = String(unique)


def _normalise_rect(field: Dictionary) -> None:
    x1, y1, x2, y2 = (float(v) for v in field["Rect"])
    field["Rect"] = Array([round(min(x1, x2), 3), round(min(y1, y2), 3), round(max(x1, x2), 3), round(max(y1, y2), 3)])


def _size(field: Dictionary) -> tuple[float, float]:
    x1, y1, x2, y2 = (float(v) for v in field["Rect"])
    return round(x2 - x1, 3), round(y2 - y1, 3)


def _appearance(field: Dictionary, content: bytes, stream: pydyf.Stream | None = None) -> pydyf.Stream:
    """A form XObject drawing `content` over the field; `stream` is reused when given."""
    width, height = _size(field)
    stream = stream or pydyf.Stream(compress=True)
    stream.stream = [content]
    stream.extra = Dictionary({"Type": "/XObject", "Subtype": "/Form", "BBox": Array([0, 0, width, height]),
                               "Resources": Dictionary()})
    return stream


def _text_field(pdf: pydyf.PDF, field: Dictionary) -> None:
    """The shipped font at the element's size, and an empty appearance: the lines are the page's."""
    found = _SIZE.search(_bytes(field.get("DA")))
    size = round(float(found.group(1)), 2) if found else 0
    field["DA"] = String(f"{RESOURCE_NAME} {size:g} Tf {TEXT_COLOUR}")
    field["Q"] = 0
    if "V" not in field:
        field["V"] = String("")
    field.pop("MK", None)
    appearance = _appearance(field, b"/Tx BMC EMC")
    pdf.add_object(appearance)
    field["AP"] = Dictionary({"N": appearance.reference})


def _check_box(pdf: pydyf.PDF, field: Dictionary) -> None:
    """An appearance for each state: nothing over the page's drawn box when off, a tick when on.
    WeasyPrint's own "on" appearance (a filled mark, its stream already numbered) becomes the tick."""
    width, height = _size(field)
    side = min(width, height)
    points = [(0.18, 0.52), (0.42, 0.24), (0.84, 0.84)]
    path = " ".join(f"{round(x * width, 3)} {round(y * height, 3)} {'m' if i == 0 else 'l'}"
                    for i, (x, y) in enumerate(points))
    tick = f"q {TEXT_COLOUR.replace(' g', ' G')} {round(side * 0.16, 3)} w 1 J 1 j {path} S Q".encode("ascii")
    checked = field.get("AS", OFF_STATE) != OFF_STATE or field.get("V", OFF_STATE) != OFF_STATE
    states = resolve(pdf, field.get("AP", Dictionary()).get("N")) or Dictionary()
    own = [resolve(pdf, state) for state in states.values() if isinstance(state, bytes)]
    on = _appearance(field, tick, own[0] if own else None)
    if not own:
        pdf.add_object(on)
    off = _appearance(field, b"q Q")  # not b"": saved as empty Flate data, which Ghostscript rejects
    pdf.add_object(off)
    field["AP"] = Dictionary({"N": Dictionary({ON_STATE[1:]: on.reference, OFF_STATE[1:]: off.reference})})
    field["AS"] = field["V"] = ON_STATE if checked else OFF_STATE
    field["DA"] = String(f"{RESOURCE_NAME} 0 Tf {TEXT_COLOUR}")
    field.pop("MK", None)
    field.pop("Border", None)


def _bytes(value: object) -> bytes:
    text = value.string if isinstance(value, String) else value or b""
    return text if isinstance(text, bytes) else str(text).encode("latin-1", "replace")
