"""Footnotes: the call a link to its note, the note a link back, each where a reader meets it
(the PDFs are read back in tests/pdf/test_readers.py and tests/pdf/test_accessibility.py)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import tinyhtml5

from brochures.html.markdown_html import markdown_to_html
from brochures.html.pagination import mark_pagination

TEXT = """\
A claim.[^a] Another.[^b]

The medicines block these proteins[^c]:

- CTLA-4
- PD-1

After the list.

| Day | Note |
| --- | --- |
| 1 | Bring it[^d] |

[^a]: First note.
[^b]: Second *note*.

    Its second paragraph.
[^c]: Short forms of long names.
[^d]: In the morning.
"""


def tree(markdown: str) -> ET.Element:
    document = tinyhtml5.parse(f"<!DOCTYPE html><html><body>{markdown_to_html(markdown).html}</body></html>",
                               namespace_html_elements=False)
    return document.find("body")


def words(el: ET.Element) -> str:
    return " ".join("".join(el.itertext()).split())


def test_each_call_is_a_link_to_its_note_and_the_note_links_back() -> None:
    for web in (False, True):
        root = tree(TEXT)
        mark_pagination(root, web)
        calls = root.findall(".//a[@class='footnote-call']")
        assert [call.text for call in calls] == ["[1]", "[2]", "[3]", "[4]"]
        for call in calls:
            note = root.find(f".//*[@id='{call.get('href')[1:]}']")
            back = note.find(".//a[@class='footnote-back']")
            assert back.get("href") == f"#{call.get('id')}" and back.text == call.text
        assert root.find(".//sup") is None and not root.findall("div[@class='footnote']/ol")


def test_a_brochure_floats_each_note_from_right_after_its_call() -> None:
    root = tree(TEXT)
    mark_pagination(root)
    first = root.find("p")
    assert [child.get("class") for child in first] == ["footnote-call", "footnote-text", "footnote-call", "footnote-text"]
    notes = root.findall(".//span[@class='footnote-text']")
    assert [words(note) for note in notes] == ["[1] First note.", "[2] Second note.Its second paragraph.",
                                               "[3] Short forms of long names.", "[4] In the morning."]
    assert notes[1].find("br") is not None and notes[1].find("em").text == "note"
    assert words(first) == "A claim.[1][1] First note. Another.[2][2] Second note.Its second paragraph."


def test_a_web_page_shows_each_note_after_its_block_and_after_the_list_a_lead_in_introduces() -> None:
    root = tree(TEXT)
    mark_pagination(root, web=True)
    blocks = [(el.tag, el.get("class"), words(el)) for el in root]
    assert blocks[:7] == [
        ("p", None, "A claim.[1] Another.[2]"),
        ("div", "footnote", "[1] First note."),
        ("div", "footnote", "[2] Second note. Its second paragraph."),
        ("p", "lead-in", "The medicines block these proteins[3]:"),
        ("ul", "short", "CTLA-4 PD-1"),
        ("div", "footnote", "[3] Short forms of long names."),
        ("p", None, "After the list."),
    ]
    cell = root.findall(".//td")[-1]
    assert cell.find("div").get("role") == "doc-footnote", "a note called in a cell ends the cell"
    assert [len(note.findall("p")) for note in root.findall("div")] == [1, 2, 1]
    assert root.find(".//a[@class='footnote-call']").get("role") == "doc-noteref"
    assert root.find(".//a[@class='footnote-back']").get("role") == "doc-backlink"


def test_a_note_called_twice_is_placed_once_and_links_back_to_its_first_call() -> None:
    for web in (False, True):
        root = tree("One.[^a] Two.[^a]\n\n[^a]: The note.\n")
        mark_pagination(root, web)
        calls = root.findall(".//a[@class='footnote-call']")
        assert [call.get("href") for call in calls] == ["#fn:a", "#fn:a"] and calls[0].get("id") != calls[1].get("id")
        backs = root.findall(".//a[@class='footnote-back']")
        assert len(backs) == 1 and backs[0].get("href") == f"#{calls[0].get('id')}"
        assert words(root).count("The note.") == 1
