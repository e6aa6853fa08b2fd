"""The structure tree as the repair reads it, in WeasyPrint's own objects before they are written:
each element's kids resolved once, and the HTML element each structure element comes from (what
`origins.py` recorded).

WeasyPrint builds the PDF as pydyf objects (dictionaries and lists, numbered in `pdf.objects`)
that name each other by reference (`b"12 0 R"`); names are strings such as `"/Span"`. Working on
them before `write` spares parsing the written file and saving it again.
"""

from __future__ import annotations

from collections.abc import Iterator

import pydyf

from brochures.pdf.origins import Origins

NULL = "null"  # how a PDF array says "nothing here" (pydyf writes None as "None")


def is_element(obj: object) -> bool:
    return isinstance(obj, pydyf.Dictionary) and "S" in obj  # MCR and OBJR dictionaries have no /S


def number(reference: bytes) -> int:
    return int(reference[:reference.index(b" ")])


def resolve(pdf: pydyf.PDF, value: object) -> object:
    """The object a reference names; any other value itself."""
    return pdf.objects[number(value)] if isinstance(value, bytes) else value


def as_kid(obj: object) -> object:
    """What an array holds for `obj`: a reference to a numbered object, anything else itself."""
    return obj.reference if isinstance(obj, pydyf.Object) and obj.number is not None else obj


class StructureTree:
    """The structure tree being repaired, with what WeasyPrint told us about its elements."""

    def __init__(self, pdf: pydyf.PDF, origins: Origins) -> None:
        self.pdf = pdf
        self.objects = pdf.objects
        self.origins = origins
        self.page_references = pdf.page_references  # a property that makes a new tuple each time
        self.pages = {reference: index for index, reference in enumerate(self.page_references)}
        self._kids: dict[int, list] = {}  # element number → its kids, resolved; kept in step by `store`

    def resolve(self, value: object) -> object:
        return resolve(self.pdf, value)

    def add(self, obj: pydyf.Object) -> pydyf.Object:
        self.pdf.add_object(obj)
        return obj

    def kids(self, node: pydyf.Dictionary) -> list:
        """`node`'s kids: elements and annotation references as objects, marked content as MCIDs
        (do not change the list: `store` a new one)."""
        found = self._kids.get(node.number) if node.number is not None else None
        if found is None:
            value = node.get("K")
            value = value if isinstance(value, list) else [] if value is None else [value]
            found = [self.resolve(kid) for kid in value]
            if node.number is not None:
                self._kids[node.number] = found
        return found

    def store(self, node: pydyf.Dictionary, kids: list) -> None:
        node["K"] = pydyf.Array([as_kid(kid) for kid in kids])
        if node.number is not None:
            self._kids[node.number] = list(kids)

    def key(self, obj: object) -> tuple[int, str, str] | None:
        return self.origins.keys.get(obj.number) if is_element(obj) else None

    def page(self, obj: pydyf.Dictionary) -> int:
        return self.pages.get(obj.get("Pg"), -1)

    def parent(self, obj: pydyf.Dictionary) -> pydyf.Dictionary | None:
        return self.resolve(obj.get("P"))

    def set_kids(self, node: pydyf.Dictionary, kids: list) -> None:
        self.store(node, kids)
        for kid in kids:
            if is_element(kid):
                kid["P"] = node.reference

    def moved_kids(self, element: pydyf.Dictionary) -> list:
        """The kids of `element`, with its bare MCIDs made into references naming their page."""
        return [pydyf.Dictionary({"Type": "/MCR", "Pg": element["Pg"], "MCID": kid}) if isinstance(kid, int) else kid
                for kid in self.kids(element)]

    def walk(self, node: pydyf.Dictionary) -> Iterator[pydyf.Dictionary]:
        yield node
        for kid in self.kids(node):
            if is_element(kid):
                yield from self.walk(kid)
