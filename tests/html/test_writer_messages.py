"""What did not print, or could not be read, is told on one line the writer can act on, in both languages.

Through `check`, which reads every topic as the build does without rendering: a link definition no
link uses (an error with --strict), control characters written as their code, a link target over
two lines, a link to a heading the topic does not have, raw HTML removed with its text, and
Markdown refused because the converter would take minutes or recurse, naming the bound it crossed.
"""

from __future__ import annotations

import pytest

from brochures.cli import main
from brochures.html.markdown_cost import EMPHASIS_LIMIT, SCAN_COST_LIMIT

TOPIC = "---\ntitle: {title}\n---\n{body}"  # the body starts on line 4
TEXT = {
    "en": {"title": "Numbers", "unused": "[Pharmacy]: 514-555-0199", "label": "Pharmacy", "word": "Take",
           "anchor": "[See the side effects](#side-effects)", "slug": "side-effects", "heading": "## Side effects of treatment"},
    "fr": {"title": "Numéros", "unused": "[Pharmacie]: 514-555-0199", "label": "Pharmacie", "word": "Prenez",
           "anchor": "[Voir les effets](#effets-secondaires)", "slug": "effets-secondaires",
           "heading": "## Effets secondaires du traitement"},
}


def check(catalogue, capsys, body: str, lang: str, *args: str) -> tuple[int, list[str]]:
    content = catalogue({"site.yaml": f"organisation: Clinic\nlanguages: [{lang}]\nsource_language: {lang}\n",
                         f"topic/{lang}.md": TOPIC.format(title=TEXT[lang]["title"], body=body)}, with_minimal=False)
    code = main(["check", "--content", str(content), *args])
    return code, [line for line in capsys.readouterr().err.splitlines() if "topic/" in line]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_link_definition_no_link_uses_is_quoted_with_how_to_print_it(catalogue, capsys, lang):
    text = TEXT[lang]
    body = f"Intro.\n\n{text['unused']}\n\nMore text.\n"
    code, lines = check(catalogue, capsys, body, lang)
    assert code == 0 and lines == [
        f"{lines[0].split(':', 1)[0]}:6: warning: '{text['unused']}' reads as a link definition and does not "
        f"print; write '\\[{text['label']}]:' to print it"]
    code, lines = check(catalogue, capsys, body, lang, "--strict")
    assert code == 1 and len(lines) == 1 and ":6: '" in lines[0]
    used = f"Call the [{text['label']}].\n\n[{text['label']}]: https://example.org/pharmacy\n"
    assert check(catalogue, capsys, used, lang, "--strict")[1] == [], "a definition a link uses prints as the link"
    paragraph = f"Intro:\n{text['unused']}\n"
    assert check(catalogue, capsys, paragraph, lang, "--strict")[1] == [], "inside a paragraph it is text"


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_control_characters_and_a_link_over_two_lines_stay_on_one_line_with_theirs(catalogue, capsys, lang):
    body = f"{TEXT[lang]['word']} [this](a\x0bb).\n\n[link](foo\nbar)\n"
    code, lines = check(catalogue, capsys, body, lang)
    assert len(lines) == 2 and all("\x0b" not in line for line in lines)
    assert ":4: warning: removed link to a file 'aU+000Bb'" in lines[0]
    assert ":6: warning: removed link to a file 'fooU+000Abar'" in lines[1]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_link_to_a_missing_heading_is_said_in_the_writers_terms(catalogue, capsys, lang):
    text = TEXT[lang]
    code, lines = check(catalogue, capsys, f"{text['heading']}\n\nText.\n\n{text['anchor']}\n", lang)
    assert len(lines) == 1
    assert f":8: warning: link to '#{text['slug']}': no heading '{text['slug']}' in this topic" in lines[0]
    assert "did you mean" in lines[0] and "its text prints without a link" in lines[0]


def test_raw_html_removed_says_whether_its_text_printed(catalogue, capsys):
    body = ("Bring <your health card>.\n\n<center>Kept words</center>\n\n<textarea>Secret words</textarea>\n\n"
            "Take it </em> daily.\n")
    code, lines = check(catalogue, capsys, body, "en")
    assert len(lines) == 3, "angle brackets around words that are no element print as written, without a word"
    assert lines[2].endswith(":10: warning: removed the end tag '</em>': it closes no <em> opened before it")
    assert lines[0].endswith(":6: warning: removed <center>: raw HTML of this kind is not allowed in content; "
                             "its text is kept")
    assert lines[1].endswith(":8: warning: removed <textarea> and the text it holds ('Secret words'): raw HTML "
                             "of this kind is not allowed in content")


@pytest.mark.parametrize("body, expected", [
    pytest.param("Intro.\n\n" + "[" * 50_000 + "\n",
                 f":6: this paragraph of 50,000 characters has 50,000 '[': too costly to read (characters × '[' at "
                 f"most {SCAN_COST_LIMIT:,}); split it into shorter paragraphs, or write `\\[`", id="unclosed-brackets"),
    pytest.param("Text " + "*a **a " * 1000 + "b" + " a** a*" * 1000 + "\n",
                 f":4: this paragraph has 6,000 emphasis marks ('*' and '_'), over the limit of {EMPHASIS_LIMIT:,} "
                 "in one paragraph", id="nested-emphasis"),
    pytest.param("".join("  " * i + "- a\n" for i in range(400)),
                 ":33: a list item is indented 58 spaces, nested deeper than the limit (limit 12 levels; raise "
                 "'limits: nesting' in site.yaml if it is needed)", id="nested-lists"),
    pytest.param("> " * 40 + "a\n", ":4: quotes are nested 40 deep, over the limit (limit 12 levels", id="quotes"),
])
def test_markdown_too_costly_to_read_is_refused_naming_the_bound(catalogue, capsys, body, expected):
    code, lines = check(catalogue, capsys, body, "en")
    assert code == 1 and len(lines) == 1 and expected in lines[0], lines
