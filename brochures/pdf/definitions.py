"""Definition lists read as pairs: one list item per term, the term its label, the definition
its body.

WeasyPrint 70 tags `<dl>` as a list whose terms and definitions are peers, each `<dt>` and
`<dd>` an `LI` of its own: "Words to know" reads as six items, and nothing says which
definition belongs to which term. PDF 1.7 (and so PDF/UA-1) has no element for a term; the PDF
Association's Tagged PDF Best Practice Guide gives a definition list as `L`, an `LI` per entry,
the term in `Lbl` and its definition in `LBody`, which is what the validators accept for any
list and what pdf.js, PDFium and screen readers present as an item with its label.
"""

from __future__ import annotations

from brochures.pdf.structure_tree import StructureTree, is_element


def pair_terms(tree: StructureTree, items: list) -> list:
    """The kids of a list, each `<dt>` item holding its term as `Lbl` and the `<dd>` items that
    follow moved into it as `LBody`; other lists come back as they were."""
    out: list = []
    entry = None  # the LI of the current term and its definitions
    defined = False  # whether that entry has a definition yet
    for item in items:
        key = tree.key(item) if is_element(item) and item["S"] == "/LI" else None
        tag = key[1] if key is not None else None
        if tag == "dt":
            terms = tree.kids(item)
            for kid in terms:
                if is_element(kid) and kid["S"] == "/LBody":
                    kid["S"] = "/Lbl"
            if entry is not None and not defined:  # another term of the same definition
                tree.set_kids(entry, tree.kids(entry) + terms)
                continue
            entry, defined = item, False
        elif tag == "dd" and entry is not None:
            tree.set_kids(entry, tree.kids(entry) + tree.kids(item))
            defined = True
            continue
        else:
            entry = None
        out.append(item)
    return out
