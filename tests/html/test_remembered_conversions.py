"""A topic's Markdown is converted once per process for its brochure and its web page (the web page
follows the brochure in the same render worker), and again as soon as its text changes."""

from __future__ import annotations

from brochures.content.catalogue import load_catalogue
from brochures.html import topic as topic_module
from brochures.html.topic import topic_context

TOPIC = """\
---
title: Your visit
summary: What happens on the day.
---
## On the day

Bring your **health card** and the list of your medicines[^1].

[^1]: Ask the pharmacy for a printed list.
"""


def test_the_web_page_reuses_the_brochures_conversion_and_an_edit_converts_again(catalogue, monkeypatch):
    converted: list[str] = []
    real = topic_module.markdown_to_html

    def counting(body: str):
        converted.append(body)
        return real(body)

    monkeypatch.setattr(topic_module, "markdown_to_html", counting)
    monkeypatch.setattr(topic_module, "_remembered", type(topic_module._remembered)())
    content = catalogue({"visit/en.md": TOPIC})
    translation = load_catalogue(content).topics["visit"].translations["en"]

    brochure, _ = topic_context(load_catalogue(content), translation)
    web, _ = topic_context(load_catalogue(content), translation, web=True)
    assert len(converted) == 1
    # Each still made in its own way: the brochure's footnote at the foot of the page, the web's after its block.
    assert "health card" in str(brochure.body_html) and "health card" in str(web.body_html)
    assert str(brochure.body_html) != str(web.body_html)
    fresh, _ = topic_context(load_catalogue(content), translation, web=True)
    topic_module._remembered.clear()
    assert str(topic_context(load_catalogue(content), translation, web=True)[0].body_html) == str(fresh.body_html)
    assert len(converted) == 2  # the same HTML as a conversion anew

    (content / "visit" / "en.md").write_text(TOPIC.replace("health card", "insurance card"), encoding="utf-8")
    edited = load_catalogue(content).topics["visit"].translations["en"]
    page, _ = topic_context(load_catalogue(content), edited, web=True)
    assert len(converted) == 3 and "insurance card" in str(page.body_html)
