"""Readers we did not write, for the tests: pdf.js (Firefox's, through pdfjs-dist in Node) and
PDFium (Chrome's, through pypdfium2).

pdf.js gives each page's text items, link annotations and the structure tree it builds (the
one Firefox hands to a screen reader: an element's /Alt or /ActualText replaces its content,
its /Lang sets the voice); `StructNode` puts the text of each marked-content sequence under its
element. PDFium gives the page's text as Chrome extracts it, and the text inside a rectangle.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PDFJS = ROOT / "node_modules" / "pdfjs-dist" / "legacy" / "build" / "pdf.mjs"
SCRIPT = Path(__file__).resolve().parent / "pdfjs_read.mjs"


@dataclass
class StructNode:
    role: str
    lang: str | None
    alt: str | None  # /Alt, else /ActualText: what pdf.js gives a screen reader instead of the content
    order: list[str | StructNode] = field(default_factory=list)  # its own text and its kids, in order
    links: list[str] = field(default_factory=list)  # the annotations it holds

    @property
    def children(self) -> list[StructNode]:
        return [part for part in self.order if isinstance(part, StructNode)]

    @property
    def text(self) -> str:
        """What a reader reads for this element: its alternative, else its content in order."""
        if self.alt is not None:
            return self.alt
        return "".join(part if isinstance(part, str) else part.text for part in self.order)

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class PdfjsPage:
    items: list[dict]  # text items ({"str", "eol", "x", "y", ...}) and marked-content markers
    annotations: list[dict]  # link annotations: rect, url, dest, contents
    structure: StructNode | None

    @property
    def text(self) -> str:
        """The page's text as pdf.js extracts it, a line break at each end of line."""
        return "".join(item["str"] + ("\n" if item["eol"] else "") for item in self.items if "str" in item)

    @property
    def spoken(self) -> str:
        """The text a screen reader meets in pdf.js's text layer, which hides artifacts (aria-hidden)."""
        out, stack = [], []
        for item in self.items:
            if item.get("marked") in ("beginMarkedContent", "beginMarkedContentProps"):
                stack.append(item.get("tag"))
            elif item.get("marked") == "endMarkedContent":
                stack.pop()
            elif "str" in item:  # an artifact's end of line still ends the line
                out.append(("" if "Artifact" in stack else item["str"]) + ("\n" if item["eol"] else ""))
        return "".join(out)


def pdfjs_available() -> bool:
    return PDFJS.is_file() and shutil.which("node") is not None


@lru_cache(maxsize=32)
def pdfjs(path: Path) -> tuple[PdfjsPage, ...]:
    """Every page of `path` as pdf.js reads it."""
    assert pdfjs_available(), "pdfjs-dist is installed by make test (npm ci), with the machine's Node.js"
    run = subprocess.run(["node", str(SCRIPT), str(path)], capture_output=True, text=True, check=True, timeout=120)
    pages = []
    for page in json.loads(run.stdout):
        texts = _marked_texts(page["items"])
        tree = page["structure"]
        pages.append(PdfjsPage(page["items"], page["annotations"], _node(tree, texts) if tree else None))
    return tuple(pages)


def _marked_texts(items: list[dict]) -> dict[str, str]:
    """Marked-content id ("p14R_mc3") → the text drawn inside it."""
    texts: dict[str, str] = {}
    stack: list[str | None] = []
    for item in items:
        if item.get("marked") in ("beginMarkedContent", "beginMarkedContentProps"):
            stack.append(item.get("id"))
        elif item.get("marked") == "endMarkedContent":
            stack.pop()
        elif "str" in item:
            owner = next((mark for mark in reversed(stack) if mark), None)
            if owner is not None:
                texts[owner] = texts.get(owner, "") + item["str"] + ("\n" if item["eol"] else "")
    return texts


def _node(tree: dict, texts: dict[str, str]) -> StructNode:
    node = StructNode(tree.get("role", ""), tree.get("lang"), tree.get("alt"))
    for child in tree.get("children", []):
        if child.get("type") == "content":
            node.order.append(texts.get(child["id"], ""))
        elif child.get("type") in ("object", "annotation"):
            node.links.append(child["id"])
        elif "role" in child:
            node.order.append(_node(child, texts))
    return node


def pdfjs_structure(path: Path) -> list[StructNode]:
    """The structure tree pdf.js builds, page by page."""
    return [page.structure for page in pdfjs(path) if page.structure is not None]


def pdfium_text(path: Path) -> list[str]:
    """Each page's text as PDFium extracts it."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(path))
    try:
        return [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()


def pdfium_under(path: Path, page: int, rects: list[tuple[float, float, float, float]]) -> list[str]:
    """The text PDFium finds inside each rectangle (left, bottom, right, top) of a page."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(path))
    try:
        text_page = document[page].get_textpage()
        return [text_page.get_text_bounded(*rect) for rect in rects]
    finally:
        document.close()


@dataclass
class PdfiumNode:
    """A structure element as PDFium reads it, with the text of the marked content it holds."""

    role: str
    lang: str
    actual_text: str
    order: list[str | PdfiumNode] = field(default_factory=list)

    @property
    def text(self) -> str:
        if self.actual_text:
            return self.actual_text
        return "".join(part if isinstance(part, str) else part.text for part in self.order)

    def walk(self):
        yield self
        for part in self.order:
            if isinstance(part, PdfiumNode):
                yield from part.walk()


def _utf16(function, handle) -> str:
    import ctypes

    size = function(handle, None, 0)
    if size <= 2:
        return ""
    buffer = ctypes.create_string_buffer(size)
    function(handle, buffer, size)
    return buffer.raw[:size - 2].decode("utf-16-le")


def pdfium_structure(path: Path) -> list[list[PdfiumNode]]:
    """Each page's structure elements (PDFium's FPDF_StructTree), with their marked content's text."""
    import ctypes

    import pypdfium2
    import pypdfium2.raw as raw

    document = pypdfium2.PdfDocument(str(path))
    pages = []
    try:
        for page in document:
            text_page = page.get_textpage()
            texts: dict[int, str] = {}
            for obj in page.get_objects(max_depth=4):
                mcid = raw.FPDFPageObj_GetMarkedContentID(obj.raw)
                if mcid >= 0 and raw.FPDFPageObj_GetType(obj.raw) == raw.FPDF_PAGEOBJ_TEXT:
                    size = raw.FPDFTextObj_GetText(obj.raw, text_page.raw, None, 0)
                    buffer = ctypes.create_string_buffer(size)
                    raw.FPDFTextObj_GetText(obj.raw, text_page.raw, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)), size)
                    texts[mcid] = texts.get(mcid, "") + buffer.raw[:size - 2].decode("utf-16-le")
            tree = raw.FPDF_StructTree_GetForPage(page.raw)

            def node(element) -> PdfiumNode:
                found = PdfiumNode(_utf16(raw.FPDF_StructElement_GetType, element),
                                   _utf16(raw.FPDF_StructElement_GetLang, element),
                                   _utf16(raw.FPDF_StructElement_GetActualText, element))
                for index in range(raw.FPDF_StructElement_CountChildren(element)):
                    child = raw.FPDF_StructElement_GetChildAtIndex(element, index)
                    if child:
                        found.order.append(node(child))
                    else:
                        mcid = raw.FPDF_StructElement_GetChildMarkedContentID(element, index)
                        if mcid >= 0:
                            found.order.append(texts.get(mcid, ""))
                return found

            pages.append([node(raw.FPDF_StructTree_GetChildAtIndex(tree, i))
                          for i in range(raw.FPDF_StructTree_CountChildren(tree))])
            raw.FPDF_StructTree_Close(tree)
    finally:
        document.close()
    return pages
