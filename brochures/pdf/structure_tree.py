"""The structure tree as the repair reads it: each element's kids read once, roles named once,
and the HTML element each structure element comes from (what `origins.py` recorded)."""

from __future__ import annotations

from collections.abc import Iterator

import pikepdf
from pikepdf import Array, Dictionary, Name

from brochures.pdf.origins import Origins


class _Names:
    """`pikepdf.Name.X` makes a new object each time, which costs as much as reading one from the
    PDF; the repair compares thousands of roles, so each name is made once here."""

    def __getattr__(self, name: str) -> Name:
        value = getattr(Name, name)
        setattr(self, name, value)
        return value


NAMES = _Names()


def kids_of(node) -> list:
    kids = node.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, Array) else [kids]


def is_element(obj) -> bool:
    return isinstance(obj, Dictionary) and "/S" in obj  # MCR and OBJR dictionaries have no /S


def identity(kid) -> object:
    return kid.objgen if isinstance(kid, pikepdf.Object) and kid.is_indirect else repr(kid)


class StructureTree:
    """The structure tree being repaired, with what WeasyPrint told us about its elements."""

    def __init__(self, pdf: pikepdf.Pdf, origins: Origins) -> None:
        self.pdf = pdf
        self.origins = origins
        self.pages = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
        # Each element's kids, read once: every pass walks the whole tree, and reading an array
        # through pikepdf costs more than the rest of the repair. Kept in step by `store`.
        self._kids: dict[tuple[int, int], list] = {}

    def kids(self, node) -> list:
        """`node`'s kids (do not change the list: `store` a new one)."""
        if not node.is_indirect:
            return kids_of(node)
        found = self._kids.get(node.objgen)
        if found is None:
            found = self._kids[node.objgen] = kids_of(node)
        return found

    def store(self, node, kids: list) -> None:
        node.K = Array(kids)
        if node.is_indirect:
            self._kids[node.objgen] = list(kids)

    def key(self, obj) -> tuple[int, str, str] | None:
        return self.origins.keys.get(obj.objgen[0]) if is_element(obj) else None

    def page(self, obj) -> int:
        return self.pages.get(obj.Pg.objgen, -1) if "/Pg" in obj else -1

    def set_kids(self, node, kids: list) -> None:
        self.store(node, kids)
        for kid in kids:
            if is_element(kid):
                kid.P = node

    def moved_kids(self, element) -> list:
        """The kids of `element`, with its bare MCIDs made into references naming their page."""
        moved = []
        for kid in self.kids(element):
            if isinstance(kid, int):
                kid = self.pdf.make_indirect(Dictionary(Type=NAMES.MCR, Pg=element.Pg, MCID=kid))
            moved.append(kid)
        return moved

    def walk(self, node) -> Iterator:
        yield node
        for kid in self.kids(node):
            if is_element(kid):
                yield from self.walk(kid)
