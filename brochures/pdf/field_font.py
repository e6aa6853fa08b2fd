"""The font a reader types form fields in: the shipped Atkinson Hyperlegible, whole, as a simple
TrueType font in WinAnsiEncoding.

A field's text is drawn by the reader that fills it (pdf.js, Acrobat, pypdf, poppler when asked
to), from the font its default appearance names in the form's resources (/DR). The page's own
fonts will not do: WeasyPrint subsets them to the page's characters, and writes them as
two-byte composite fonts, which some of those readers encode wrongly (qpdf's generator prints
accented letters as other glyphs). A simple font with a standard encoding is the form every
reader handles; WinAnsi holds every letter of French, English and Spanish. The font program is
the shipped file, whole (about 29 KB compressed): the reader may need any of its letters.

WeasyPrint also embeds whole the font a field's element is set in, and then maps to Unicode only
the glyphs its character map reaches, so text shaped into other glyphs in that font (ligatures)
would lose its meaning for screen readers. brochure.css therefore sets the questions field in
the small symbol font, which no text is shaped in; this module's font is the one readers use.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pikepdf
from fontTools.ttLib import TTFont
from pikepdf import Array, Dictionary, Name

from brochures.html.fonts import FONT_DIR

FIELD_FONT_FILE = FONT_DIR / "AtkinsonHyperlegible-Regular.ttf"
RESOURCE_NAME = "/Atkinson"  # its name in the form's /DR and in each field's /DA
FIRST_CODE, LAST_CODE = 32, 255
NONSYMBOLIC = 1 << 5


@dataclass(frozen=True)
class _Metrics:
    program: bytes
    postscript_name: str
    widths: tuple[int, ...]  # FIRST_CODE..LAST_CODE, in thousandths of the font size
    bbox: tuple[int, int, int, int]
    ascent: int
    descent: int
    cap_height: int
    italic_angle: float


@lru_cache(maxsize=1)
def _metrics() -> _Metrics:
    """Read once per process: the font's widths for each WinAnsi code, and what its descriptor says."""
    program = FIELD_FONT_FILE.read_bytes()
    font = TTFont(FIELD_FONT_FILE)
    scale = 1000 / font["head"].unitsPerEm
    cmap, advances, order = font.getBestCmap(), font["hmtx"].metrics, font.getGlyphOrder()
    widths = []
    for code in range(FIRST_CODE, LAST_CODE + 1):
        try:
            glyph = cmap.get(ord(bytes([code]).decode("cp1252")), order[0])
        except UnicodeDecodeError:  # the five codes WinAnsi leaves undefined
            glyph = order[0]
        widths.append(round(advances[glyph][0] * scale))
    head, os2 = font["head"], font["OS/2"]
    return _Metrics(
        program=program,
        postscript_name=font["name"].getDebugName(6) or "AtkinsonHyperlegible-Regular",
        widths=tuple(widths),
        bbox=tuple(round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)),  # type: ignore[arg-type]
        ascent=round(os2.sTypoAscender * scale),
        descent=round(os2.sTypoDescender * scale),
        cap_height=round(getattr(os2, "sCapHeight", os2.sTypoAscender) * scale),
        italic_angle=float(font["post"].italicAngle),
    )


def field_font(pdf: pikepdf.Pdf) -> pikepdf.Object:
    """The field font's dictionary, added to `pdf` (an indirect object for the form's /DR)."""
    metrics = _metrics()
    program = pikepdf.Stream(pdf, metrics.program)
    program.Length1 = len(metrics.program)
    name = Name("/" + metrics.postscript_name)
    descriptor = Dictionary(
        Type=Name.FontDescriptor, FontName=name, Flags=NONSYMBOLIC, FontBBox=Array(metrics.bbox),
        ItalicAngle=metrics.italic_angle, Ascent=metrics.ascent, Descent=metrics.descent,
        CapHeight=metrics.cap_height, StemV=80, FontFile2=program,
    )
    return pdf.make_indirect(Dictionary(
        Type=Name.Font, Subtype=Name.TrueType, BaseFont=name, FirstChar=FIRST_CODE, LastChar=LAST_CODE,
        Widths=Array(metrics.widths), Encoding=Name.WinAnsiEncoding,
        FontDescriptor=pdf.make_indirect(descriptor),
    ))
