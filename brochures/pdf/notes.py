"""Footnotes in the reading order: each CSS footnote a `Note` read after the block that calls it.

WeasyPrint tags each page's footnote area between that page's elements and the next page's: a
note is read far from its call, and a table or list continued across the page break is kept in
two. The notes are taken out of the areas before the fragments are joined (structure.py), then
placed after the block that calls them, or after the list that block introduces.
"""

from __future__ import annotations

from pydyf import String

from brochures.pdf.structure_tree import StructureTree, is_element


def take_notes(tree: StructureTree, document) -> list:
    """CSS footnotes (`float: footnote`) as `Note` elements, out of the footnote areas: WeasyPrint
    puts each page's area between the pages' elements, which would also keep a table or list
    continued across that page break in two."""
    if not tree.origins.footnote_areas:
        return []
    kept, notes = [], []
    for area in tree.kids(document):
        if area.number not in tree.origins.footnote_areas:
            kept.append(area)
            continue
        for note in (kid for kid in tree.kids(area) if is_element(kid)):
            note["S"] = "/Note"
            note["ID"] = String(f"note-{note.number}")
            notes.append(note)
    tree.set_kids(document, kept)
    return notes


def place_notes(tree: StructureTree, document, notes: list) -> None:
    """Each note read after the block that calls it, or after the list that block introduces,
    never inside the sentence's lead-in. The call is a link (html/footnotes.py), or the
    `::footnote-call` WeasyPrint generates for a footnote of other HTML."""
    if not notes:
        return
    calls: dict[int, object] = {}
    for element in tree.walk(document):
        key = tree.key(element)
        note = tree.origins.note_calls.get(element.number)
        if note is None and key is not None and key[1].endswith("::footnote-call"):
            note = key[0]
        if note is not None:
            calls.setdefault(note, element)
    unplaced = []
    for note in notes:
        key = tree.key(note)
        block = calls.get(key[0]) if key is not None else None
        while block is not None and block.get("S") in ("/Span", "/NonStruct", "/Link"):
            block = tree.parent(block)
        if block is None or "P" not in block:
            unplaced.append(note)
        elif block.get("S") in ("/P", "/H1", "/H2", "/H3", "/H4", "/H5", "/H6"):
            parent = tree.parent(block)
            siblings = tree.kids(parent)
            at = next(i for i, kid in enumerate(siblings) if kid is block) + 1
            block_key = tree.key(block)
            if block_key is not None and block_key[0] in tree.origins.lead_ins and at < len(siblings) \
                    and is_element(siblings[at]) and siblings[at]["S"] == "/L":
                at += 1  # after the list the paragraph introduces
            while at < len(siblings) and is_element(siblings[at]) and siblings[at]["S"] == "/Note":
                at += 1  # after the notes of earlier calls
            tree.set_kids(parent, siblings[:at] + [note] + siblings[at:])
        else:
            tree.set_kids(block, tree.kids(block) + [note])
    if unplaced:
        tree.set_kids(document, tree.kids(document) + unplaced)
