"""Mark the content streams: what no structure element reaches becomes an artifact, and the text
runs around a hyphen that line breaking added read the word whole (hyphenation.py).

Runs after the structure repair (`structure.py`) has rebuilt the tree: only then is it known
which marked content the tree reaches. Extracted and spoken text then reads "system", never
"sys- tem", and the page's running header, footer and folio are skipped by a screen reader.
"""

from __future__ import annotations

import re
import zlib

import pikepdf
from pikepdf import Array, Dictionary, Name

# How WeasyPrint (pydyf) writes the start of a marked-content sequence of a structure element.
_MARKED = re.compile(rb"/(\w+)\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC")


def _utf16(text: str) -> bytes:
    return b"<" + ("\ufeff" + text).encode("utf-16-be").hex().encode("ascii") + b">"


def mark_content(pdf: pikepdf.Pdf, marked: dict[int, dict[int, object]],
                  actual_text: dict[tuple[int, int], str], decorative: set[tuple[int, int]] = frozenset()) -> None:
    """Content no element reaches becomes a pagination artifact (a layout artifact when it is
    `decorative`: (page, MCID) pairs); the runs around an added hyphen get `actual_text`.

    Only the `BDC` operators change, in place: the rest of each stream stays byte for byte as
    WeasyPrint wrote it (parsing and rewriting whole streams made them a third larger).
    """
    for index, page in enumerate(pdf.pages):
        reached = marked.get(index, {})

        def edit(match: re.Match) -> bytes:
            mcid = int(match.group(2))
            if mcid not in reached:
                kind = b"Layout" if (index, mcid) in decorative else b"Pagination"
                return b"/Artifact <</Type /%s>> BDC" % kind
            if (index, mcid) in actual_text:
                return b"/%s <</MCID %d /ActualText %s>> BDC" % (
                    match.group(1), mcid, _utf16(actual_text[(index, mcid)]))
            return match.group(0)

        resources = page.obj.get("/Resources", Dictionary())
        forms = [xobject for xobject in (resources.get("/XObject") or Dictionary()).values()
                 if xobject.get("/Subtype") == Name.Form]
        contents = page.obj.get("/Contents")
        streams = list(contents) if isinstance(contents, Array) else [contents] if contents is not None else []
        for stream in [*streams, *forms]:
            data = stream.read_bytes()
            edited = _MARKED.sub(edit, data)
            if edited != data:
                stream.write(zlib.compress(edited), filter=Name.FlateDecode)
