"""Make untrusted body HTML safe to print: keep known markup, refuse what could run or fetch.

Markdown lets authors write raw HTML, and content comes from outside the clinic. Everything
not on an allow-list is removed with a warning naming the file, the line and what was refused;
nothing refused is fetched or printed as text. Images must be files inside the topic folder.
Phone numbers in the text become `tel:` links (`phones.py`) so that a mailed PDF can dial them.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable
from urllib.parse import unquote, urlsplit

import tinyhtml5
from markupsafe import Markup

from brochures.content.limits import DEFAULT_LIMITS, Limits
from brochures.content.schema import LANG_TAG_RE
from brochures.files import FileRefused, check_regular
from brochures.html.decorative import as_background, image_problem, image_size, is_decorative
from brochures.html.phones import link_phones
from brochures.problems import Problem, did_you_mean

ALLOWED_TAGS = frozenset("""
    a abbr b blockquote br caption cite code col colgroup dd del div dl dt em figcaption figure
    h1 h2 h3 h4 h5 h6 hr i img ins kbd li mark ol p pre q s section small span strong sub sup
    table tbody td tfoot th thead time tr u ul wbr aside
""".split())
# Removed with everything inside: their content is code, a frame or a form, never text to print.
DROPPED_TAGS = frozenset("""
    script style iframe frame frameset object embed applet noscript template svg math link meta
    base form input button select textarea option video audio source track canvas picture portal
    head title
""".split())
GLOBAL_ATTRIBUTES = frozenset({"id", "class", "lang", "dir", "title"})
TAG_ATTRIBUTES = {
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start", "type", "reversed"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "col": {"span"},
    "colgroup": {"span"},
    "time": {"datetime"},
}
LINK_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"})
TEXT_ALIGN_RE = re.compile(r"^\s*text-align:\s*(left|right|center);?\s*$")
NESTING_TAGS = frozenset({"ul", "ol", "blockquote", "dl"})  # what the 'nesting' limit counts
DEPTH_PER_LEVEL = 4  # elements of any kind allowed per level of lists and quotes


@dataclass
class Sanitized:
    markup: Markup  # safe to insert into a template as is
    problems: list[Problem] = field(default_factory=list)
    text: str = ""  # all printed characters, for the font coverage check


def sanitize(html: str, src_path: Path, body: str, body_line: int, id_prefix: str = "",
             finish: Callable[[ET.Element], None] | None = None, limits: Limits = DEFAULT_LIMITS,
             uri: Callable[[Path], str] = Path.as_uri) -> Sanitized:
    """Return the safe HTML and a problem for everything refused.

    Ids and in-page links get `id_prefix`, so that several topics can share one document
    (a bundle) without their section anchors or footnotes colliding. `finish` edits the
    clean tree's text (typography, terms) once phone numbers are links and so left alone.
    `uri` gives an image's URL (pdf/urls.py: the same wherever the content folder is).
    """
    parser = tinyhtml5.parser.HTMLParser(namespace_html_elements=False)
    document = parser.parse(f"<!DOCTYPE html><html><body>{html}</body></html>")
    root = document.find("body")
    assert root is not None
    nesting, depth = _nesting(root)
    if nesting > limits.nesting or depth > DEPTH_PER_LEVEL * limits.nesting:
        what = f"lists and quotes are nested {nesting} deep" if nesting > limits.nesting else \
            f"elements are nested {depth} deep"
        return Sanitized(Markup(""), [Problem(src_path, f"{what}, over the limit ({limits.hint('nesting')})")])
    cleaner = _Cleaner(src_path, body, body_line, limits, uri)
    cleaner.clean_children(root)
    cleaner.stray_end_tags(parser.errors)
    cleaner.check_anchors(root)
    link_phones(root)
    if finish is not None:
        finish(root)
    if id_prefix:
        _prefix_ids(root, id_prefix)
    out = _escape_text(root.text or "") + "".join(ET.tostring(child, encoding="unicode", method="html") for child in root)
    return Sanitized(Markup(out), cleaner.problems, "".join(root.itertext()))


def _nesting(root: ET.Element) -> tuple[int, int]:
    """The deepest nesting of lists and quotes, and of elements of any kind (without recursion)."""
    deepest_lists = deepest = 0
    pending = [(root, 0, 0)]
    while pending:
        el, lists, depth = pending.pop()
        lists += isinstance(el.tag, str) and el.tag.lower() in NESTING_TAGS
        deepest_lists, deepest = max(deepest_lists, lists), max(deepest, depth)
        pending.extend((child, lists, depth + 1) for child in el)
    return deepest_lists, deepest


def _shortened(text: str, most: int = 60) -> str:
    return text if len(text) <= most else text[:most - 1] + "…"


def _escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class _Cleaner:
    def __init__(self, src_path: Path, body: str, body_line: int, limits: Limits,
                 uri: Callable[[Path], str] = Path.as_uri) -> None:
        self.src_path = src_path
        self.limits = limits
        self.uri = uri
        self.topic_dir = src_path.parent.resolve()
        self.body_lines = body.split("\n")  # as the file counts lines (splitlines also splits at U+000B)
        self.body_line = body_line
        self.cursor = 0  # body line of the last thing found: elements are cleaned in order
        self.problems: list[Problem] = []

    def line_of(self, *needles: str) -> int | None:
        """The file line of the first needle found in the body, when one can be found.

        The search starts at the last line found, so that text seen earlier in the body (a
        second `/etc/passwd`, `style=` after a `<style>`) does not pull a report back to it;
        it wraps around for what Markdown moves (footnotes, link references).
        """
        order = [*range(self.cursor, len(self.body_lines)), *range(self.cursor)]
        for needle in needles:
            needle = needle.lower()
            for offset in order:
                if needle in self.body_lines[offset].lower():
                    self.cursor = max(self.cursor, offset)
                    return self.body_line + offset
        return None

    def refuse(self, needle: str | tuple[str, ...], message: str, severity: str = "warning") -> None:
        needles = needle if isinstance(needle, tuple) else (needle,)
        self.problems.append(Problem(self.src_path, message, self.line_of(*needles), severity))  # type: ignore[arg-type]

    def clean_children(self, parent: ET.Element) -> None:
        index = 0
        while index < len(parent):
            child = parent[index]
            if not isinstance(child.tag, str):  # a comment: never printed
                _remove(parent, child, keep_children=False)
                continue
            tag = child.tag.lower()
            if tag in DROPPED_TAGS or tag not in ALLOWED_TAGS:
                dropped = tag in DROPPED_TAGS
                text = " ".join("".join(child.itertext()).split())
                if dropped and text:
                    what = f"removed <{tag}> and the text it holds ('{_shortened(text)}')"
                else:
                    what = f"removed <{tag}>"
                self.refuse(f"<{tag}", f"{what}: raw HTML of this kind is not allowed in content"
                            + ("; its text is kept" if text and not dropped else ""))
                _remove(parent, child, keep_children=not dropped)
                continue
            if "footnote-backref" in child.get("class", ""):
                _remove(parent, child, keep_children=False)
                continue
            self.clean_attributes(child, tag)
            if tag == "img" and not self.clean_image(child):
                _remove(parent, child, keep_children=False)
                continue
            if tag != "img":  # an image has no children; a decorative one is now our own markup
                self.clean_children(child)
            index += 1

    def clean_attributes(self, el: ET.Element, tag: str) -> None:
        allowed = GLOBAL_ATTRIBUTES | TAG_ATTRIBUTES.get(tag, set())
        for name in list(el.attrib):
            value = el.attrib[name]
            lowered = name.lower()
            if lowered == "style" and tag in ("td", "th") and TEXT_ALIGN_RE.match(value):
                continue
            if lowered not in allowed:
                del el.attrib[name]
                if lowered.startswith("on") or lowered in ("style", "srcset", "background", "formaction"):
                    self.refuse((f"{name}=", name),
                                f"removed attribute '{name}' from <{tag}>: it could run code or fetch files")
                continue
            if lowered == "href" and not self.allowed_href(value):
                del el.attrib[name]
            if lowered == "lang" and not LANG_TAG_RE.match(value.strip()):
                del el.attrib[name]
                self.refuse((f"lang={value}", f'lang="{value}"', "lang="),
                            f"removed lang '{value[:20]}' from <{tag}>: give a language code such as fr, en or en-CA")

    def stray_end_tags(self, errors: list[tuple[tuple[int, int], str, dict]]) -> None:
        """An end tag that closes nothing the writer opened vanishes as HTML says: the writer is told."""
        for _, code, data in errors:
            name = str(data.get("name", "")).lower()
            if code == "unexpected-end-tag" and name and any(f"</{name}" in line.lower() for line in self.body_lines):
                self.cursor = 0
                self.refuse(f"</{name}", f"removed the end tag '</{name}>': it closes no <{name}> opened before it")

    def check_anchors(self, root: ET.Element) -> None:
        """A link to a section of this topic that has no such section loses its target, with a line
        in the writer's terms (WeasyPrint would only say it found no anchor)."""
        ids = {el.get("id", "") for el in root.iter()} - {""}
        for link in root.iter("a"):
            href = link.get("href", "")
            if len(href) > 1 and href.startswith("#") and unquote(href[1:]) not in ids:
                name = unquote(href[1:])
                self.cursor = 0
                self.refuse(href, f"link to '{_shortened(href)}': no heading '{_shortened(name)}' in this topic "
                                  f"({did_you_mean(name, (i for i in ids if not i.startswith('fn')))}); "
                                  "its text prints without a link")
                del link.attrib["href"]

    def allowed_href(self, href: str) -> bool:
        href = href.strip()
        if href.startswith("#"):
            return True
        scheme = urlsplit(href).scheme.lower()
        if scheme in LINK_SCHEMES:
            return True
        kind = f"'{scheme}:' link" if scheme else "link to a file"
        self.refuse(href.split("\n", 1)[0], f"removed {kind} '{_shortened(href)}': a PDF may only link to web "
                                            "pages, email addresses, phone numbers and its own sections")
        return False

    def clean_image(self, img: ET.Element) -> bool:
        """Keep an image only if it is a file in the topic folder; point it there absolutely."""
        src = (img.get("src") or "").strip()
        parts = urlsplit(src)
        if not src:
            self.refuse("<img", "removed an image without a source")
            return False
        if parts.scheme or parts.netloc or src.startswith("/"):
            if parts.netloc or parts.scheme in ("http", "https"):
                what = "remote image"
            elif parts.scheme:
                what = f"'{parts.scheme}:' image"
            else:
                what = "image outside the topic folder"
            self.refuse(src, f"refused {what} '{src[:60]}': not fetched; put the image in the topic "
                             "folder and use its file name")
            return False
        path = (self.topic_dir / unquote(parts.path)).resolve()
        if not path.is_relative_to(self.topic_dir):
            self.refuse(src, f"refused image '{src[:60]}': images must sit in the topic folder")
            return False
        if path.suffix.lower() not in IMAGE_SUFFIXES:
            self.refuse(src, f"refused image '{src[:60]}': use PNG, JPEG, GIF, WebP or SVG")
            return False
        if not path.exists():
            self.refuse(src, f"image '{src}' not found in {self.topic_dir.name}/; check the file name",
                        severity="error")
            return False
        try:
            check_regular(path, [self.topic_dir])
        except FileRefused as exc:
            self.refuse(src, f"image '{src[:60]}' {exc.reason}", severity="error")
            return False
        problem = image_problem(path, self.limits.image_pixels, self.limits.hint("image_megapixels"))
        if problem is not None:
            self.refuse(src, f"image '{src[:60]}' {problem}", severity="error")
            return False
        return self.describe_image(img, src, path)

    def describe_image(self, img: ET.Element, src: str, path: Path) -> bool:
        """An image needs alt text for screen readers, unless it is marked decorative."""
        if is_decorative(img):
            size = image_size(path)
            if size is None:
                self.refuse(src, f"cannot read the size of decorative image '{src}'; give it width and "
                                 "height, or describe it and drop '.decorative'", severity="error")
                return False
            as_background(img, self.uri(path), size)
            return True
        if not (img.get("alt") or "").strip():
            self.refuse(src, f"image '{src}' has no alt text: describe it for screen readers in "
                             f"![...]({src}), or mark it decorative with {{: .decorative }}", severity="error")
            return False
        img.set("src", self.uri(path))
        return True


def _prefix_ids(root: ET.Element, prefix: str) -> None:
    for el in root.iter():
        if el.get("id"):
            el.set("id", prefix + el.get("id", ""))
        href = el.get("href", "")
        if el.tag == "a" and href.startswith("#") and len(href) > 1:
            el.set("href", "#" + prefix + href[1:])


def _remove(parent: ET.Element, child: ET.Element, keep_children: bool) -> None:
    """Remove `child`, keeping its text and children in its place if asked."""
    index = list(parent).index(child)
    kept = list(child) if keep_children else []
    text = (child.text or "") if keep_children else ""
    tail = child.tail or ""
    parent.remove(child)
    for offset, kid in enumerate(kept):
        parent.insert(index + offset, kid)
    # Re-attach the loose text to whatever precedes it.
    lead = text
    if kept:
        kept[-1].tail = (kept[-1].tail or "") + tail
    else:
        lead += tail
    if lead:
        if index == 0:
            parent.text = (parent.text or "") + lead
        else:
            previous = parent[index - 1]
            previous.tail = (previous.tail or "") + lead
