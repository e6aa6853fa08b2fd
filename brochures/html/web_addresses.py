"""Printed web addresses break where a reader expects: after a "/" or a ".", never at a hyphen.

A line break after "radiation-" makes a reader (and every PDF reader's text extraction) take
the hyphen for a hyphenation and type "radiationtherapy"; PDFium reads it as a soft hyphen.
Line breaking allows a break after "/" already, and none after "." (between "example." and
"org"): `<wbr>` adds one there (WeasyPrint draws nothing for it, and no reader extracts it),
and a WORD JOINER after each hyphen forbids the break there (no glyph either: pdf.js, PDFium
and poppler read the address as typed). The web edition gets the `<wbr>` only: a browser copies
a word joiner with the address.

The stylesheet must not add `overflow-wrap: anywhere` to an address: WeasyPrint 70 then breaks
inside the piece that reaches the end of the line ("radiation-thera" / "py/") rather than at
the `<wbr>` before it.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

WORD_JOINER = "\u2060"
# After "/" or "." (or the "?", "&", "=", "#" and "_" of a long query), unless another "/"
# follows (not inside "https://") or the address ends.
BREAK_AFTER_RE = re.compile(r"(?<=[/.?&=#_])(?=[^/])")


def printed_address(url: str) -> Markup:
    """`url` as printed text in a brochure: breakable after "/" and ".", never at a hyphen."""
    pieces = BREAK_AFTER_RE.split(str(url))
    return Markup("<wbr>").join(escape(piece).replace("-", "-" + WORD_JOINER) for piece in pieces)


def web_address(url: str) -> Markup:
    """`url` as text on a web page: breakable after "/" and "."; a phone's narrow screen may
    still break it at a hyphen, which a browser never mistakes for a hyphenation."""
    return Markup("<wbr>").join(escape(piece) for piece in BREAK_AFTER_RE.split(str(url)))
