"""The font a reader types form fields in: Atkinson Hyperlegible as a simple TrueType font in
WinAnsiEncoding, in the form's resources (/DR).

A field's text is drawn by the reader that fills it (pdf.js, Acrobat, pypdf, poppler when asked
to), from the font its default appearance names in /DR. WeasyPrint's own fonts will not do: the
page's are subset to the page's characters, and all are written as two-byte composite fonts,
which some of those readers encode wrongly (qpdf's generator prints accented letters as other
glyphs). A simple font with a standard encoding is the form every reader handles; WinAnsi holds
every letter of French, English and Spanish. Text a font cannot encode (another script) makes
pdf.js and pypdf leave the drawing to the viewer, as without this font.

The program is html/fonts.py's `field_font` (the regular face cut to WinAnsi). brochure.css sets
the questions field in it, so WeasyPrint, which embeds a field's font whole, has already written
it: this font shares that stream, and a brochure carries the program once. (Set in the text
face, the field would make WeasyPrint embed that face whole and map to Unicode only the glyphs
its character map reaches, so ligatures on the page would lose their meaning for screen readers.)
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO

import pydyf
from fontTools.ttLib import TTFont
from pydyf import Array, Dictionary

from brochures.html.fonts import field_font as field_font_program
from brochures.html.fonts import winansi_characters

RESOURCE_NAME = "/Atkinson"  # its name in the form's /DR and in each field's /DA
FIRST_CODE, LAST_CODE = 32, 255
NONSYMBOLIC = 1 << 5


@dataclass(frozen=True)
class _Metrics:
    program: bytes
    base_font: str  # a subset: a tag of six capitals, then the PostScript name
    widths: tuple[int, ...]  # FIRST_CODE..LAST_CODE, in thousandths of the font size
    bbox: tuple[int, ...]
    ascent: int
    descent: int
    cap_height: int


@lru_cache(maxsize=1)
def font_metrics() -> _Metrics:
    """Read once per process: the width of each WinAnsi code's glyph, and what the descriptor says."""
    program = field_font_program()
    font = TTFont(BytesIO(program))
    scale = 1000 / font["head"].unitsPerEm
    cmap, advances, notdef = font.getBestCmap(), font["hmtx"].metrics, font.getGlyphOrder()[0]
    characters = winansi_characters()
    widths = tuple(round(advances[cmap.get(ord(characters[code]), notdef) if code in characters else notdef][0]
                         * scale) for code in range(FIRST_CODE, LAST_CODE + 1))
    head, os2 = font["head"], font["OS/2"]
    tag = "".join(chr(ord("A") + byte % 26) for byte in hashlib.sha256(program).digest()[:6])
    return _Metrics(
        program=program,
        base_font=f"{tag}+{font['name'].getDebugName(6)}",
        widths=widths,
        bbox=tuple(round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)),
        ascent=round(os2.sTypoAscender * scale),
        descent=round(os2.sTypoDescender * scale),
        cap_height=round(getattr(os2, "sCapHeight", os2.sTypoAscender) * scale),
    )


def _embedded(pdf: pydyf.PDF, program: bytes) -> pydyf.Stream | None:
    """The font file stream WeasyPrint wrote for the field face, if it wrote one."""
    for obj in pdf.objects:
        if isinstance(obj, pydyf.Stream) and obj.extra.get("Length1") == len(program) and obj.stream == [program]:
            return obj
    return None


def field_font(pdf: pydyf.PDF) -> Dictionary:
    """The field font's dictionary, added to `pdf` (numbered, for the form's /DR)."""
    metrics = font_metrics()
    program = _embedded(pdf, metrics.program)
    if program is None:  # a form of check boxes only: no field was set in the face
        program = pydyf.Stream([metrics.program], Dictionary({"Length1": len(metrics.program)}), compress=True)
        pdf.add_object(program)
    name = "/" + metrics.base_font
    descriptor = Dictionary({
        "Type": "/FontDescriptor", "FontName": name, "Flags": NONSYMBOLIC, "FontBBox": Array(metrics.bbox),
        "ItalicAngle": 0, "Ascent": metrics.ascent, "Descent": metrics.descent, "CapHeight": metrics.cap_height,
        "StemV": 80, "FontFile2": program.reference,
    })
    pdf.add_object(descriptor)
    font = Dictionary({
        "Type": "/Font", "Subtype": "/TrueType", "BaseFont": name, "FirstChar": FIRST_CODE, "LastChar": LAST_CODE,
        "Widths": Array(metrics.widths), "Encoding": "/WinAnsiEncoding", "FontDescriptor": descriptor.reference,
    })
    pdf.add_object(font)
    return font
