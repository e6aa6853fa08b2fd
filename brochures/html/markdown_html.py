"""Convert a topic's Markdown body to an HTML fragment with the extensions the contract promises."""

from __future__ import annotations

import threading
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

import markdown
from markdown.extensions import Extension
from markdown.extensions.toc import slugify_unicode
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor

from brochures.html.markdown_cost import CostGuard
from brochures.html.markdown_dialect import CommonMarkReading, Definition, definitions

EXTENSIONS = ["tables", "footnotes", "def_list", "attr_list", "sane_lists", "admonition", "toc", "fenced_code"]
EXTENSION_CONFIGS = {
    # Topic ids and headings may be French: keep accents in anchors rather than dropping letters.
    "toc": {"slugify": slugify_unicode, "permalink": False},
    "footnotes": {"BACKLINK_TEXT": "", "SUPERSCRIPT_TEXT": "{}"},
}
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


@dataclass(frozen=True)
class Converted:
    html: str
    definitions: list[Definition] = field(default_factory=list)  # link reference definitions, in order


class _SectionLevels(Treeprocessor):
    """Make the body's top heading an <h2>: the brochure title is the only <h1>.

    Authors write either `#` or `##` for sections; both must give the same bookmarks.
    """

    def run(self, root: ET.Element) -> None:
        levels = [int(el.tag[1]) for el in root.iter() if el.tag in HEADINGS]
        if not levels:
            return
        shift = 2 - min(levels)
        for el in root.iter():
            if el.tag in HEADINGS:
                el.tag = f"h{min(6, int(el.tag[1]) + shift)}"


class _LanguageSpan(InlineProcessor):
    """`[words]{lang=fr}` (or `{: lang=fr }`): a phrase in another language, `<span lang="fr">`.

    A block in another language takes the attribute list of Python-Markdown's attr_list, on the
    line after the paragraph: `{: lang=fr }`. The sanitiser checks the code either way.
    """

    def handleMatch(self, m, data):  # noqa: N802 (Markdown's API name)
        span = ET.Element("span", {"lang": m.group("lang")})
        span.text = m.group("text")
        return span, m.start(0), m.end(0)


# Before links (priority 160) and references (170): `[words]` is no link when `{lang=` follows.
LANGUAGE_SPAN_RE = r"\[(?P<text>[^\]\n]+)\]\{:?[ \t]*lang=[\"']?(?P<lang>[^\s\"'}]+)[\"']?[ \t]*\}"


class _BrochureExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API name)
        # Before "toc" (priority 5) so that anchors see the final levels.
        md.treeprocessors.register(_SectionLevels(md), "brochure_section_levels", 6)
        md.inlinePatterns.register(_LanguageSpan(LANGUAGE_SPAN_RE, md), "brochure_language_span", 175)
        # Before "inline" (20): each paragraph's cost is known before it is read.
        md.treeprocessors.register(CostGuard(md), "brochure_cost_guard", 25)


_converters = threading.local()  # one per thread: a converter holds the document it is converting


def markdown_to_html(body: str) -> Converted:
    """Render the body; raw HTML passes through here and is sanitised by the next stage.

    The converter is made once per thread and reset between bodies (setting up its extensions
    cost as much as converting a page); a reset leaves no footnote, heading or definition of the
    last body. Raises `markdown_cost.TooCostly` for a paragraph too costly to read.
    """
    converter = getattr(_converters, "markdown", None)
    if converter is None:
        converter = _converters.markdown = markdown.Markdown(
            extensions=[*EXTENSIONS, _BrochureExtension(), CommonMarkReading()],
            extension_configs=EXTENSION_CONFIGS,
            output_format="html",
        )
    html = converter.reset().convert(body)
    return Converted(html, definitions(converter))
