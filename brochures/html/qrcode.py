"""A vector QR code to a brochure's online version, drawn inline so nothing is fetched.

The code is SVG (sharp at any printer resolution, a few kilobytes) with a <title>, which
WeasyPrint turns into the figure's alternative text in the tagged PDF.
"""

from __future__ import annotations

from functools import lru_cache

from markupsafe import Markup


@lru_cache(maxsize=256)  # a booklet lays its pages out two or three times: one code each
def qr_svg(url: str, title: str) -> Markup:
    """Inline `<svg>` markup; segno escapes the title and draws the modules as one path.

    Error correction M survives a crease or a pen mark across a mailed page.
    """
    import segno  # only brochures with an online address have a QR code

    code = segno.make(url, error="m", micro=False)
    return Markup(code.svg_inline(title=title, border=4, omitsize=True, svgclass="qr-code"))
