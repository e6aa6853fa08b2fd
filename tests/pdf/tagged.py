"""Read a tagged PDF the way a screen reader does: marked content, its text, and the tree above it.

Independent of brochures.pdf.structure: the content streams are decoded here with each font's
ToUnicode map, and every marked-content sequence is tied to its structure element through the
parent tree, as assistive technology does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name


@dataclass(frozen=True)
class Marked:
    page: int  # 0-based
    mcid: int | None  # None for an artifact
    text: str  # the text drawn
    actual_text: str | None  # /ActualText of the sequence, what is read instead


def _to_unicode(font) -> dict[int, str]:
    table: dict[int, str] = {}
    if "/ToUnicode" not in font:
        return table
    cmap = font.ToUnicode.read_bytes().decode("latin-1")
    hexa = lambda h: bytes.fromhex(h).decode("utf-16-be")  # noqa: E731
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
        for code, text in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            table[int(code, 16)] = hexa(text)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
        for start, end, text in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            first = int(text, 16)
            for offset, code in enumerate(range(int(start, 16), int(end, 16) + 1)):
                table[code] = chr(first + offset)
    return table


def _decode(data: bytes, font, tables: dict) -> str:
    if font.objgen not in tables:
        tables[font.objgen] = _to_unicode(font)
    table = tables[font.objgen]
    width = 2 if font.get("/Subtype") == Name.Type0 else 1
    codes = [int.from_bytes(data[i:i + width], "big") for i in range(0, len(data), width)]
    return "".join(table.get(code, "\ufffd") for code in codes)


@lru_cache(maxsize=64)
def marked_content(path: Path) -> tuple[Marked, ...]:
    """Every piece of drawn text, in painting order, with its MCID or as an artifact."""
    found: list[Marked] = []
    tables: dict = {}
    with pikepdf.open(path) as pdf:
        for index, page in enumerate(pdf.pages):
            _read(page.obj, page.obj.get("/Resources", Dictionary()), index, [], found, tables)
    return tuple(found)


def _read(holder, resources, page: int, stack: list, found: list[Marked], tables: dict) -> None:
    fonts = resources.get("/Font", Dictionary())
    font = None
    for operands, operator in pikepdf.parse_content_stream(holder):
        op = str(operator)
        if op == "BDC":
            properties = operands[1] if isinstance(operands[1], Dictionary) else Dictionary()
            stack.append((str(operands[0]), properties))
        elif op == "BMC":
            stack.append((str(operands[0]), Dictionary()))
        elif op == "EMC":
            stack.pop()
        elif op == "Tf":
            font = fonts[str(operands[0])]
        elif op in ("Tj", "TJ", "'", '"'):
            strings = operands[0] if op == "TJ" else [operands[-1]]
            text = "".join(_decode(bytes(s), font, tables) for s in strings if isinstance(s, pikepdf.String))
            artifact = any(tag == "/Artifact" for tag, _ in stack)
            mcid = next((int(p.MCID) for _, p in reversed(stack) if "/MCID" in p), None)
            actual = next((str(p.ActualText) for _, p in reversed(stack) if "/ActualText" in p), None)
            found.append(Marked(page, None if artifact else mcid, text, actual))
        elif op == "Do":
            xobject = resources.get("/XObject", Dictionary()).get(str(operands[0]))
            if xobject is not None and xobject.get("/Subtype") == Name.Form:
                _read(xobject, xobject.get("/Resources", resources), page, stack, found, tables)


@dataclass
class Element:
    role: str
    obj: object
    parent: Element | None
    kids: list[Element]


def tree(pdf: pikepdf.Pdf) -> Element:
    """The structure tree from the root, checking each element's /P names its real parent."""
    root = pdf.Root.StructTreeRoot

    def walk(node, parent: Element | None) -> Element:
        element = Element(str(node.get("/S", "/StructTreeRoot")).lstrip("/"), node, parent, [])
        kids = node.get("/K")
        for kid in (kids if isinstance(kids, Array) else [kids] if kids is not None else []):
            if isinstance(kid, Dictionary) and "/S" in kid:
                assert kid.P.objgen == node.objgen, f"/P of {kid.S} {kid.objgen} is not the element listing it"
                element.kids.append(walk(kid, element))
        return element

    return walk(root, None)


def elements(node: Element):
    yield node
    for kid in node.kids:
        yield from elements(kid)


def mcid_owners(pdf: pikepdf.Pdf) -> dict[tuple[int, int], object]:
    """(page, MCID) → the structure element the parent tree names for it."""
    nums = list(pdf.Root.StructTreeRoot.ParentTree.Nums)
    owners = {}
    for i, page in enumerate(pdf.pages):
        key = int(page.obj.StructParents)
        array = next(nums[j + 1] for j in range(0, len(nums), 2) if int(nums[j]) == key)
        for mcid, owner in enumerate(array):
            if isinstance(owner, Dictionary):
                owners[(i, mcid)] = owner
    return owners
