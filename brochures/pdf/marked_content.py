"""Mark the content streams: what no structure element reaches becomes an artifact, and the text
runs around a hyphen that line breaking added read the word whole (hyphenation.py).

Runs after the structure repair (`structure.py`) has rebuilt the tree: only then is it known
which marked content the tree reaches. Extracted and spoken text then reads "system", never
"sys- tem", and the page's running header, footer and folio are skipped by a screen reader.
"""

from __future__ import annotations

import pydyf
from pydyf import Dictionary, String

from brochures.pdf.structure_tree import StructureTree


def mark_content(tree: StructureTree, marked: dict[int, dict[int, object]],
                 actual_text: dict[tuple[int, int], str], decorative: set[tuple[int, int]] = frozenset()) -> None:
    """Content no element reaches becomes a pagination artifact (a layout artifact when it is
    `decorative`: (page, MCID) pairs); the runs around an added hyphen get `actual_text`.

    WeasyPrint's streams are still lists of operators and operands, not yet joined or compressed:
    only the marked-content properties change. A stream drawn in a group (a form XObject) shares
    its page's list of tags, which says whose marked content it holds.
    """
    page_of = {}
    for index, reference in enumerate(tree.page_references):
        contents = tree.resolve(tree.resolve(reference)["Contents"])
        page_of[id(contents._tags)] = index
    for stream in tree.objects:
        index = page_of.get(id(getattr(stream, "_tags", None)))
        if index is None or not isinstance(stream, pydyf.Stream):
            continue
        reached = marked.get(index, {})
        items = stream.stream
        for at, item in enumerate(items):
            if not (isinstance(item, Dictionary) and "MCID" in item and items[at + 1:at + 2] == [b"BDC"]):
                continue
            mcid = item["MCID"]
            if mcid not in reached:
                items[at - 1] = "/Artifact"
                items[at] = Dictionary({"Type": "/Layout" if (index, mcid) in decorative else "/Pagination"})
            elif (index, mcid) in actual_text:
                item["ActualText"] = String(actual_text[(index, mcid)])
