"""Task items (`- [ ] ...`) become check boxes, named after their topic and titled with their
words; content's own `<input>`, `<form>` and other form controls are still refused."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import tinyhtml5

from brochures.content.catalogue import load_catalogue
from brochures.html.topic import topic_context

CHECKLIST_EN = """\
---
title: Before your visit
summary: What to bring.
---
## Bring

- [ ] The list of your **medicines**
- [x] Your health card
- [X] A follow-up letter
- An ordinary item
- [] Not a task: no space in the box
- [ ]No space after the box
- [ ]

## Loose and nested

1. [ ] Book the blood test

2. [ ] Call the desk
    - [x] Ask for the weekly pass
"""

CHECKLIST_FR = """\
---
title: Avant votre visite
summary: Quoi apporter.
---
- [ ] La liste de vos médicaments : « tous »
"""


def body(catalogue, files: dict[str, str], topic: str, lang: str = "en"):
    content = load_catalogue(catalogue(files))
    context, problems = topic_context(content, content.topics[topic].translations[lang])
    root = tinyhtml5.parse(f"<html><body>{context.body_html}</body></html>", namespace_html_elements=False)
    return root.find("body"), problems


def boxes(root: ET.Element) -> list[dict[str, str]]:
    return [dict(box.attrib) for box in root.iter("input")]


def test_task_items_become_named_and_titled_check_boxes(catalogue):
    root, problems = body(catalogue, {"visit/en.md": CHECKLIST_EN}, "visit")
    assert problems == []
    found = boxes(root)
    assert [(b["name"], b["title"], "checked" in b) for b in found] == [
        ("visit--task-1", "The list of your medicines", False),
        ("visit--task-2", "Your health card", True),
        ("visit--task-3", "A follow-up letter", True),
        ("visit--task-4", "Book the blood test", False),
        ("visit--task-5", "Call the desk", False),  # its nested list is not its label
        ("visit--task-6", "Ask for the weekly pass", True),
    ]
    assert all(b["type"] == "checkbox" and b["class"] == "task-box" and "disabled" in b for b in found)
    items = [li for li in root.iter("li") if "task" in (li.get("class") or "").split()]
    assert len(items) == 6
    labels = [li.find(".//label") for li in items]  # the box, then the words it is named by
    assert [(label[0].tag, " ".join("".join(label.itertext()).split())) for label in labels] == \
        [("input", b["title"]) for b in found]
    text = " ".join("".join(li.itertext()) for li in items)
    assert "[ ]" not in text and "[x]" not in text and "[X]" not in text  # the marker became the box
    others = ["".join(li.itertext()).strip() for li in root.iter("li") if li not in items]
    assert others == ["An ordinary item", "[] Not a task: no space in the box", "[ ]No space after the box", "[ ]"]


def test_box_titles_are_the_printed_words_in_french(catalogue):
    root, problems = body(catalogue, {"visit/en.md": CHECKLIST_EN, "visit/fr.md": CHECKLIST_FR}, "visit", "fr")
    assert [b["title"] for b in boxes(root)] == ["La liste de vos médicaments : « tous »"]
    assert [b["name"] for b in boxes(root)] == ["visit--task-1"]


def test_content_cannot_bring_its_own_form_controls(catalogue):
    hostile = CHECKLIST_EN + """
<form action="https://example.org/steal"><input type="text" name="questions" value="x"></form>
- [ ] Tick me <input type="checkbox" name="visit--task-1" checked>
<textarea name="questions">typed</textarea> <button>Send</button> <select><option>a</option></select>
"""
    root, problems = body(catalogue, {"visit/en.md": hostile}, "visit")
    refused = {p.message.split(">")[0] for p in problems}
    assert {"removed <form", "removed <input", "removed <textarea", "removed <button", "removed <select"} <= refused
    assert all(p.line is not None and p.severity == "warning" for p in problems)
    for tag in ("form", "textarea", "button", "select", "option"):
        assert root.find(f".//{tag}") is None, tag
    # The only inputs are the boxes of task items, with our names and attributes.
    assert [b["name"] for b in boxes(root)] == [f"visit--task-{n}" for n in range(1, 8)]
    assert all(set(b) <= {"type", "class", "name", "title", "disabled", "checked"} for b in boxes(root))
    assert "typed" not in "".join(root.itertext())
