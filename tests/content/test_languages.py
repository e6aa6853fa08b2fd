"""Other languages: a source says its language, `check` warns when a title clearly is in another
site language and does not say it, and Markdown marks a phrase or a block in another language
(the PDFs are read back in tests/pdf/test_readers.py)."""

from __future__ import annotations

import pytest

from brochures.cli import main
from brochures.content.languages import likely_language
from brochures.html.markdown_html import markdown_to_html


@pytest.mark.parametrize("title, expected", [
    ("La Ligue contre le cancer – L’immunothérapie", "fr"),
    ("CHUM – L’immunothérapie pour traiter le cancer", "fr"),
    ("Institut National du Cancer – Médecine de précision : thérapies ciblées et immunothérapie", "fr"),
    ("National Cancer Institute – Immunotherapy to Treat Cancer", None),  # one word: not clearly
    ("How to prepare for your first treatment", "en"),
    ("Leukemia & Lymphoma Society of Canada – L’immunothérapie", None),  # one word each: mixed
    ("InfoCancer – Immunothérapie", None),  # no common word at all
    ("Guía para los pacientes y sus familias", None),  # Spanish is not a site language here
])
def test_a_title_is_clearly_in_a_language_by_its_common_words(title, expected):
    assert likely_language(title, ["en", "fr"]) == expected


def test_check_warns_about_a_source_in_the_other_language_without_lang(catalogue, capsys):
    content = catalogue({
        "care/en.md": "---\ntitle: Care\nsources:\n  - title: Canadian Cancer Society\n"
                      "  - title: La Ligue contre le cancer – Les soins\n"
                      "  - title: CHUM – Le guide pour les patients\n    lang: fr\n---\nText.\n",
        "care/fr.md": "---\ntitle: Soins\nsources:\n  - title: How to care for your skin at home\n---\nTexte.\n",
    })
    main(["check", "--content", str(content)])  # fails: the French pages are not marked as translated
    err = capsys.readouterr().err
    assert ("care/en.md:3: warning: front matter: source 2 ('La Ligue contre le cancer – Les soins') seems to "
            "be in French: add 'lang: fr' under its title") in err
    assert "care/fr.md:3: warning: front matter: source 1 ('How to care for your skin at home') seems to be " \
           "in English: add 'lang: en'" in err
    assert err.count("seems to be in") == 2, "a source that says its language, or says nothing clear, is fine"


def test_markdown_marks_a_phrase_and_a_block_in_another_language():
    html = markdown_to_html("Ask for [la *carte* soleil]{lang=fr} or [x]{: lang='fr-CA' }, "
                            "not [a link](https://example.org).\n\nUn paragraphe.\n{: lang=fr }\n").html
    assert '<span lang="fr">la <em>carte</em> soleil</span>' in html
    assert '<span lang="fr-CA">x</span>' in html and '<a href="https://example.org">a link</a>' in html
    assert '<p lang="fr">Un paragraphe.</p>' in html


def test_a_wrong_language_code_is_removed_with_a_warning(catalogue, build):
    content = catalogue({"odd/en.md": "---\ntitle: Odd\n---\nText.\n\nSome [mots]{lang=French} here.\n\n"
                                      '<p lang="x_y">Raw.</p>\n',
                         "odd/fr.md": "---\ntitle: Bizarre\n---\nTexte.\n"})
    run = build(content, "--html", "odd", "--lang", "en")
    assert run.code == 0
    assert "odd/en.md:6: warning: removed lang 'French' from <span>: give a language code such as fr" in run.err
    assert "odd/en.md:8: warning: removed lang 'x_y' from <p>" in run.err
    html = (run.out_dir / "en" / "odd.print.html").read_text(encoding="utf-8")
    assert "lang=\"French\"" not in html and "<span>mots</span>" in html
