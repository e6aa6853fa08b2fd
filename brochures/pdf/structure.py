"""Repair the structure tree WeasyPrint 70 writes, so that a screen reader reads the brochure right.

WeasyPrint tags each page on its own: an element that crosses a page break becomes one element
per page (a screen reader announces two tables), a repeated table header is tagged again, the
running header, footer, folio, draft band and blank-page note are tagged as content that the tree
does not reach, list items hold paragraphs beside their label, and a link is described by its
internal target. With what `origins.py` recorded while WeasyPrint tagged (the PDF alone cannot
tell a continued table from a new one), this module edits WeasyPrint's objects before they are
written (a `finisher` of `write_pdf`), so the PDF is written once:

- fragments of one HTML element on consecutive pages become one element; repeated table
  headers and footers become artifacts; CSS footnotes become `Note` elements after the block
  that calls them, or after the list it introduces;
- content that no structure element reaches (the page margin boxes) becomes a pagination
  artifact, and the parent tree is rebuilt from the tree itself, so every mapping is consistent;
- an element of HTML in another language (`lang="fr"`) says it with `/Lang`;
- decoration (an element hidden with `aria-hidden`, a glyph from CSS) leaves the tree;
- `LI` holds only `Lbl` and `LBody`, and a definition list has an `LI` per term (its `Lbl`) and
  definition (its `LBody`); a `Link` inside a `Link` is folded into it, and an inline
  element broken over two lines (a long address) is one element; empty elements
  go; header cells get a `Scope`; the `Span` WeasyPrint makes for each line of text, which says
  nothing, gives its marked content to its parent (half the elements of a brochure);
- one annotation per link (WeasyPrint gives every box inside a link its own), described in words
  (its text or image's alt text, or for a bare number such as a footnote call, that number and the
  text it leads to) and printable; a link WeasyPrint wrote no annotation for becomes a `Span`;
- the text runs around a hyphen that line breaking added read the word whole (`hyphenation.py`);
- then `marked_content.py` makes what the tree does not reach an artifact (decoration a layout
  artifact) and gives those runs their text.
"""

from __future__ import annotations

import pydyf
from pydyf import Array, Dictionary, String

from brochures.pdf.definitions import pair_terms
from brochures.pdf.hyphenation import label_words, whole_words
from brochures.pdf.marked_content import mark_content
from brochures.pdf.notes import place_notes, take_notes
from brochures.pdf.origins import Origins
from brochures.pdf.structure_tree import NULL, StructureTree, is_element, number


class _Tree(StructureTree):
    """The structure tree being repaired."""

    def __init__(self, pdf: pydyf.PDF, origins: Origins) -> None:
        super().__init__(pdf, origins)
        self.header_ids: dict[str, String] = {}  # ID of a dropped repeated header → the kept one
        self.dropped_annotations: set[int] = set()
        self.decorative: set[tuple[int, int]] = set()  # (page, MCID) of decoration
        self.joined: set[tuple[int, int]] = set()  # (page, MCID) of the runs a hyphenated word joins

    def merge(self, kids: list) -> list:
        """Join consecutive fragments of one HTML element; drop headers repeated on a new page.

        The fragments of an element are gathered first and joined once, so that a list over a
        hundred pages costs as much as its items (joining page by page made it quadratic)."""
        groups: list[list] = []  # an element and its fragments on the next pages
        first_seen: dict[tuple[int, str, str], object] = {}
        for kid in kids:
            key = self.key(kid)
            first = groups[-1][0] if groups else None
            if key is not None and first is not None and self.key(first) == key and self.page(kid) != self.page(first):
                groups[-1].append(kid)
                continue
            if key is not None and key[2] in ("/THead", "/TFoot") and key in first_seen:
                self.map_header_ids(kid, first_seen[key])
                continue  # its content becomes an artifact: nothing in the tree reaches it
            if key is not None:
                first_seen.setdefault(key, kid)
            groups.append([kid])
        for first, *fragments in groups:
            if fragments:
                self.set_kids(first, self.merge(self.kids(first) + [moved for fragment in fragments
                                                                    for moved in self.moved_kids(fragment)]))
        return [first for first, *_ in groups]

    def map_header_ids(self, repeated, kept) -> None:
        ids = [[cell["ID"] for cell in self.walk(node) if cell["S"] == "/TH" and "ID" in cell]
               for node in (repeated, kept)]
        for old, new in zip(*ids):
            self.header_ids[old.string] = new

    # Rules a screen reader relies on ----------------------------------------------------
    def drop_copied_annotations(self, node) -> None:
        """One annotation per link: WeasyPrint gives every box inside a link its own copy."""
        kept = []
        for kid in self.kids(node):
            if isinstance(kid, Dictionary) and kid.get("Type") == "/OBJR" \
                    and self.resolve(kid["Obj"]).get("Subtype") == "/Link":
                self.dropped_annotations.add(number(kid["Obj"]))
            else:
                kept.append(kid)
        if len(kept) != len(self.kids(node)):
            self.store(node, kept)

    def tidy(self, node, in_link: bool = False) -> bool:
        """Fix `node`'s subtree in place; False when it is empty and should go. `in_link`: inside
        a `Link`, whose copied annotations go (`drop_copied_annotations`) before anything else."""
        if in_link:
            self.drop_copied_annotations(node)
        if node.number in self.origins.decorative:
            self.decoration(node)
            return False
        role = node["S"]
        if node.number in self.origins.langs:
            node["Lang"] = String(self.origins.langs[node.number])
        inner = in_link or role == "/Link"
        kids = self.join_lines([self.unwrap_line(kid, node) for kid in self.kids(node)
                                if not is_element(kid) or self.tidy(kid, inner)])
        if role == "/Link":
            kids = self.fold_links(kids)
            if node.number in self.origins.silent_links and "Alt" not in node:
                node["Alt"] = String(self.origins.silent_links[node.number])  # an image link: its alt
            if not any(isinstance(kid, Dictionary) and kid.get("Type") == "/OBJR" for kid in kids):
                node["S"] = "/Span"  # a link to nowhere: WeasyPrint wrote no annotation for it
        if role == "/LI":
            kids = self.list_item(node, kids)
        if role == "/L":
            kids = pair_terms(self, kids)
        if role == "/TH":
            self.scope(node)
        if role == "/TD" and self.header_ids and "A" in node and "Headers" in node["A"]:
            node["A"]["Headers"] = Array([self.header_ids.get(h.string, h) for h in node["A"]["Headers"]])
        before = self.kids(node)
        if len(kids) != len(before) or any(new is not old and not (isinstance(new, int) and new == old)
                                           for new, old in zip(kids, before)):
            self.set_kids(node, kids)
        return bool(kids) or "Alt" in node or "ActualText" in node

    def unwrap_line(self, kid, parent):
        """A text run's own `Span` (WeasyPrint makes one for each, holding its marked content and
        nothing else) becomes that marked content in its parent: half the tree's elements, which
        said nothing. Runs a hyphenated word joins keep theirs (`hyphenation.py` wraps them)."""
        if not is_element(kid) or kid["S"] != "/Span" or kid.number in self.origins.keys or len(kid) != 5 \
                or parent["S"] == "/Note":
            return kid  # an HTML element, one with attributes (/Lang, /ActualText...), or a note's text
        kids = self.kids(kid)
        if len(kids) != 1 or not isinstance(kids[0], int) or (self.page(kid), kids[0]) in self.joined:
            return kid
        if kid.get("Pg") == parent.get("Pg"):
            return kids[0]
        return Dictionary({"Type": "/MCR", "Pg": kid["Pg"], "MCID": kids[0]})

    def decoration(self, node) -> None:
        """Note the marked content of a decorative element, which leaves the tree: a layout artifact."""
        for element in self.walk(node):
            for kid in self.kids(element):
                if isinstance(kid, int):
                    self.decorative.add((self.page(element), kid))
                elif isinstance(kid, Dictionary) and kid.get("Type") == "/MCR":
                    self.decorative.add((self.page(kid), kid["MCID"]))

    def join_lines(self, kids: list) -> list:
        """Consecutive elements of one HTML element (an inline broken over two lines: a link,
        the emphasis around it) become one: a link is then one `Link` with an annotation per line."""
        out: list = []
        for kid in kids:
            key = self.key(kid)
            if key is not None and out and self.key(out[-1]) == key:
                self.set_kids(out[-1], self.kids(out[-1]) + self.moved_kids(kid))
                continue
            out.append(kid)
        return out

    def fold_links(self, kids: list) -> list:
        """A `Link` inside a `Link` (a link's ::after text) gives its content to the outer one."""
        out = []
        for kid in kids:
            if is_element(kid) and kid["S"] == "/Link":
                out.extend(self.fold_links(self.moved_kids(kid)))
            else:
                out.append(kid)
        return out

    def list_item(self, item, kids: list) -> list:
        """`LI` holds `Lbl` and `LBody` only: anything else is wrapped in an `LBody`."""
        out: list = []
        for kid in kids:
            if is_element(kid) and kid["S"] in ("/Lbl", "/LBody"):
                out.append(kid)
                continue
            if not (out and isinstance(out[-1], _Wrapper)):
                body = self.add(Dictionary({"Type": "/StructElem", "S": "/LBody", "P": item.reference, "K": Array()}))
                if "Pg" in item:
                    body["Pg"] = item["Pg"]
                out.append(_Wrapper(body))
            out[-1].kids.append(kid if is_element(kid) or not isinstance(kid, int)
                                else Dictionary({"Type": "/MCR", "Pg": item["Pg"], "MCID": kid}))
        result = []
        for kid in out:
            if isinstance(kid, _Wrapper):
                self.set_kids(kid.body, kid.kids)
                result.append(kid.body)
            else:
                result.append(kid)
        return result

    def scope(self, cell) -> None:
        """Column headers in a header row, row headers at the start of a body row."""
        row = self.parent(cell)
        group = self.parent(row) if row is not None else None
        cells = self.kids(row) if row is not None else []
        in_header_row = group is not None and group.get("S") == "/THead" or \
            all(is_element(kid) and kid["S"] == "/TH" for kid in cells)
        if "A" not in cell:
            cell["A"] = Dictionary({"O": "/Table"})
        cell["A"]["Scope"] = "/Column" if in_header_row else "/Row"


class _Wrapper:
    """A new `LBody` gathering the kids it will hold."""

    def __init__(self, body) -> None:
        self.body = body
        self.kids: list = []


def _parent_tree(tree: _Tree, document) -> tuple[dict[int, dict[int, object]], dict[int, object]]:
    """(page → MCID → element) and (StructParent of an annotation → element), from the tree."""
    marked: dict[int, dict[int, object]] = {}
    objects: dict[int, object] = {}
    for element in tree.walk(document):
        for kid in tree.kids(element):
            if isinstance(kid, int):
                marked.setdefault(tree.page(element), {})[kid] = element
            elif isinstance(kid, Dictionary) and kid.get("Type") == "/MCR":
                page = tree.page(kid) if "Pg" in kid else tree.page(element)
                marked.setdefault(page, {})[kid["MCID"]] = element
            elif isinstance(kid, Dictionary) and kid.get("Type") == "/OBJR":
                annotation = tree.resolve(kid["Obj"])
                if "StructParent" in annotation:
                    objects[annotation["StructParent"]] = element
    return marked, objects


def _describe_links(tree: _Tree, origins: Origins, dropped: set[int]) -> None:
    """Drop the duplicate annotations; describe the others in words (WeasyPrint: by their target)."""
    for reference in tree.page_references:
        page = tree.resolve(reference)
        if "Annots" not in page:
            continue
        page["Annots"] = Array([a for a in page["Annots"] if number(a) not in dropped])
        for annotation in map(tree.resolve, page["Annots"]):
            if annotation.get("Subtype") != "/Link":
                continue
            description = origins.links.get(annotation.number)
            if description:
                annotation["Contents"] = String(description)
            annotation["F"] = 4  # printable: what is on screen is what prints


def repair(pdf: pydyf.PDF, origins: Origins) -> None:
    """Repair the structure tree of the PDF WeasyPrint is about to write (see the module docstring)."""
    tree = _Tree(pdf, origins)
    read, chains = whole_words(origins)
    tree.joined = {run for chain in chains for run in chain}
    root = tree.resolve(pdf.catalog["StructTreeRoot"])
    document = tree.kids(root)[0]
    notes = take_notes(tree, document)
    tree.set_kids(document, tree.merge(tree.kids(document)))
    place_notes(tree, document, notes)
    tree.tidy(document)
    marked, objects = _parent_tree(tree, document)
    label_words(tree, marked, read, chains)
    nums: list = []
    for index, reference in enumerate(tree.page_references):
        reached = marked.get(index, {})
        nums.extend([index, Array([reached[mcid].reference if mcid in reached else NULL
                                   for mcid in range(max(reached, default=-1) + 1)])])
        tree.resolve(reference)["StructParents"] = index
    for key in sorted(objects):
        nums.extend([key, objects[key].reference])
    tree.resolve(root["ParentTree"])["Nums"] = Array(nums)
    root["ParentTreeNextKey"] = max([len(tree.page_references) - 1, *objects]) + 1
    mark_content(tree, marked, read, tree.decorative)
    _describe_links(tree, origins, tree.dropped_annotations)
    _empty_unreached(tree, root, document)


def _empty_unreached(tree: _Tree, root, document) -> None:
    """Empty what the repair left out of the tree (fragments joined, repeated headers, decoration,
    copied link annotations) and what WeasyPrint tagged but never linked (the margin boxes):
    pydyf writes every object it holds, and an element no longer in the tree must not claim a
    parent, a page or an annotation."""
    reached = {root.number}
    for element in tree.walk(document):
        reached.add(element.number)
        reached.update(kid.number for kid in tree.kids(element) if isinstance(kid, Dictionary) and kid.number is not None)
    for obj in tree.objects:
        if isinstance(obj, Dictionary) and obj.number not in reached and obj.get("Type") in ("/StructElem", "/OBJR"):
            obj.clear()
    for annotation in tree.dropped_annotations:
        tree.objects[annotation].clear()
