"""Make an imposed booklet an honest print-only file.

Imposition puts two pages on each sheet side, out of reading order, and loses the structure
tree: the result cannot be a tagged PDF that a screen reader reads in order, so it does not
claim to be one. The flat PDF beside it is the accessible edition. What stays true of the
booklet: its title (shown in the viewer's title bar), language, author and subject, and every
link still goes somewhere (links inside the document pointed to pages that imposition moved,
so they are removed; web, e-mail and phone links stay).
"""

from __future__ import annotations

from io import BytesIO

import pikepdf
from pikepdf import Dictionary, Name

INFO_KEYS = ("/Title", "/Author", "/Subject")
# What only a tagged file may say: a structure tree, marked content, a PDF/UA claim in XMP.
TAGGED_ONLY = ("/StructTreeRoot", "/MarkInfo", "/Metadata", "/Names", "/Dests", "/Outlines", "/OpenAction")


def _goes_somewhere(annotation) -> bool:
    """A link annotation that does not depend on a page or name of the flat document."""
    action = annotation.get("/A")
    return "/Dest" not in annotation and action is not None and action.get("/S") == Name.URI


def print_only(imposed: bytes, source: bytes) -> bytes:
    """`imposed` with the title, language and other metadata of `source`, the flat half-page PDF."""
    with pikepdf.open(BytesIO(source)) as flat, pikepdf.open(BytesIO(imposed)) as pdf:
        for key in TAGGED_ONLY:
            if key in pdf.Root:
                del pdf.Root[key]
        if "/Lang" in flat.Root:
            pdf.Root.Lang = pikepdf.String(str(flat.Root.Lang))
        pdf.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
        for key in INFO_KEYS:
            if key in flat.docinfo:
                pdf.docinfo[key] = pikepdf.String(str(flat.docinfo[key]))
        for page in pdf.pages:
            for key in ("/StructParents",):
                if key in page.obj:
                    del page.obj[key]
            if "/Annots" in page.obj:
                kept = [a for a in page.obj.Annots if a.get("/Subtype") != Name.Link or _goes_somewhere(a)]
                for annotation in kept:
                    if "/StructParent" in annotation:
                        del annotation["/StructParent"]
                if kept:
                    page.obj.Annots = pikepdf.Array(kept)
                else:
                    del page.obj["/Annots"]
        out = BytesIO()
        pdf.save(out, deterministic_id=True, min_version="1.7",
                 object_stream_mode=pikepdf.ObjectStreamMode.generate, compress_streams=True)
    return out.getvalue()
