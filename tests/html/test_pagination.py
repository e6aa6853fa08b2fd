"""The HTML stage marks what must stay together and gives
urgent callouts the clinic's phone number (the PDFs are checked in tests/pdf/test_print_rules.py)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import tinyhtml5

from brochures.html.callouts import mark_urgent_callouts
from brochures.html.markdown_html import markdown_to_html
from brochures.html.pagination import balanced, mark_pagination


def tree(markdown: str) -> ET.Element:
    document = tinyhtml5.parse(f"<!DOCTYPE html><html><body>{markdown_to_html(markdown).html}</body></html>",
                               namespace_html_elements=False)
    return document.find("body")


def test_colon_lead_ins_and_short_lists_are_marked() -> None:
    root = tree("Bring these:\n\n- a\n- b\n\nNo colon here\n\n- c\n\nSeven items:\n\n" +
                "".join(f"- item {n}\n" for n in range(7)))
    mark_pagination(root)
    paragraphs = root.findall("p")
    assert [p.get("class") for p in paragraphs] == ["lead-in", None, "lead-in"]
    assert [ul.get("class") for ul in root.findall("ul")] == ["short", "short", None]


def test_headings_and_titles_keep_their_last_two_words_together() -> None:
    root = tree("## How is it given?\n\n## Short\n")
    mark_pagination(root)
    first, second = root.findall("h2")
    assert first.text == "How is " and first.find("span").text == "it given?"
    assert second.find("span") is None
    assert str(balanced("Starting <b> immunotherapy today")) == \
        'Starting &lt;b&gt; <span class="nowrap">immunotherapy today</span>'


def test_urgent_callouts_get_the_phone_in_the_reader_language() -> None:
    root = tree('!!! warning "Call if"\n    - fever\n\n!!! danger "Go to the emergency if"\n    - pain\n\n'
                '!!! tip "Tip"\n    Rest.\n')
    count = mark_urgent_callouts(root, ("514-555-0123", "tel:+15145550123"),
                                 {"Call your care team now:": "Appelez maintenant :",
                                  "Your care team:": "Votre équipe :"}.get)
    assert count == 2
    calls = root.findall(".//p[@class='urgent-call']")
    assert ["".join(p.itertext()) for p in calls] == ["Appelez maintenant : 514-555-0123",
                                                      "Votre équipe : 514-555-0123"]
    assert all(p.find("strong/a").get("href") == "tel:+15145550123" for p in calls)
    assert [d.get("class") for d in root.findall("div")] == ["admonition warning urgent", "admonition danger urgent",
                                                            "admonition tip"]
