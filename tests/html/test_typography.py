"""Typographic quotes and French spacing: the exact characters, in strings, trees and built pages.

PDF text extraction turns no-break spaces into spaces, so exact characters are checked in
the HTML written with --html; the PDFs are read for fonts and for text that must survive.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from brochures.html.fonts import FONT_DIR, missing_characters
from brochures.html.typography import EMITTED, typeset, typeset_tree
from tests.conftest import SHIPPED_FONTS, pdf_text

NBSP = "\u00a0"

# (lang, convention, as written, as printed)
STRINGS = [
    ("fr", "fr-CA", 'Il dit "très bien".', f"Il dit «{NBSP}très bien{NBSP}»."),
    ("fr", "fr-CA", "« déjà espacé »", f"«{NBSP}déjà espacé{NBSP}»"),
    ("fr", "fr-CA", "«collé»", f"«{NBSP}collé{NBSP}»"),
    ("fr", "fr-CA", 'Il dit "elle a dit "oui" hier"', f"Il dit «{NBSP}elle a dit “oui” hier{NBSP}»"),
    ("fr", "fr-CA", "l'examen d'aujourd'hui", "l’examen d’aujourd’hui"),
    ("fr", "fr-CA", "Deux : les A et B", f"Deux{NBSP}: les A et B"),
    ("fr", "fr-CA", "Note: lisez", f"Note{NBSP}: lisez"),
    ("fr", "fr-CA", "Pourquoi ? Parce que ! Oui ; non", "Pourquoi? Parce que! Oui; non"),
    ("fr", "fr-FR", "Pourquoi? Parce que ! Oui; non", f"Pourquoi{NBSP}? Parce que{NBSP}! Oui{NBSP}; non"),
    ("fr", "fr-FR", "Vraiment ?!", f"Vraiment{NBSP}?!"),
    ("fr", "fr-CA", "à 10:30", "à 10:30"),
    ("fr", "fr-CA", "Site : https://example.org/?a=1 ; merci", f"Site{NBSP}: https://example.org/?a=1 ; merci"),
    ("fr", "fr-FR", "Voir https://example.org/a?b=1", "Voir https://example.org/a?b=1"),
    ("fr", "fr-CA", "Écrivez à info@example.org ?", "Écrivez à info@example.org ?"),
    ("fr", "fr-CA", 'Le site "https://example.org" ici', f"Le site «{NBSP}https://example.org{NBSP}» ici"),
    ("en", "fr-CA", 'She said "don\'t worry" and \'rest\'.', "She said “don’t worry” and ‘rest’."),
    ("en", "fr-CA", "What is it ? Note : ok", "What is it ? Note : ok"),
    ("es", "fr-CA", 'Dijo "hola".', 'Dijo "hola".'),
]


@pytest.mark.parametrize("lang, convention, written, printed", STRINGS)
def test_typeset_strings(lang, convention, written, printed):
    assert typeset(written, lang, convention) == printed


def test_every_emitted_character_is_in_the_brochure_font():
    assert missing_characters(EMITTED) == []
    with TTFont(FONT_DIR / "AtkinsonHyperlegible-Regular.ttf", lazy=True) as font:
        assert not {0x202F, 0x2009, 0x2011} & set(font.getBestCmap()), \
            "if the text font gains these, fr-FR could use the fine space"


def tree(html: str) -> ET.Element:
    return ET.fromstring(f"<body>{html}</body>")


@pytest.mark.parametrize("html, printed", [
    ("<p><strong>PD-1</strong> : une protéine</p>", f"<p><strong>PD-1</strong>{NBSP}: une protéine</p>"),
    ('<p>Il dit "<em>oui</em>" ?</p>', f"<p>Il dit «{NBSP}<em>oui</em>{NBSP}»?</p>"),
    ("<p>Tapez <code>a : b \"c\"</code> ?</p>", "<p>Tapez <code>a : b \"c\"</code>?</p>"),
    ('<p>Appelez le <a class="tel" href="tel:+15145550123">514 555-0123</a> !</p>',
     '<p>Appelez le <a class="tel" href="tel:+15145550123">514 555-0123</a>!</p>'),
    ('<p title="a : b">Fin</p><p>"Début</p>', f'<p title="a : b">Fin</p><p>«{NBSP}Début</p>'),
])
def test_typeset_tree_sees_text_across_tags_and_leaves_code_alone(html, printed):
    root = tree(html)
    typeset_tree(root, "fr", "fr-CA")
    assert "".join(ET.tostring(child, encoding="unicode") for child in root) == printed


TOPIC_FR = """\
---
title: 'Le "bon" traitement'
summary: Qu'est-ce que c'est ? Une courte réponse.
sources:
  - title: "Guide : tout savoir"
    url: https://example.org/guide?x=1
---
## Pourquoi ?

Votre médecin dira "très bien" : c'est bon !

Le code `echo "a : b"` reste tel quel. Voir https://example.org/?q=1 ou appelez le 514-555-0123 !
"""
TOPIC_EN = """\
---
title: The "right" treatment
---
## Why?

Your doctor will say "very well". It's fine.
"""


@pytest.fixture
def typeset_build(catalogue, build):
    def run(site: str = "") -> tuple[str, str, object]:
        files = {"topic/fr.md": TOPIC_FR, "topic/en.md": TOPIC_EN, "site.yaml": "phone: 514-555-0199\n" + site}
        result = build(catalogue(files, with_minimal=False), "--html")
        assert result.code == 0, result.err
        fr = (result.out_dir / "fr" / "topic.print.html").read_text(encoding="utf-8")
        en = (result.out_dir / "en" / "topic.print.html").read_text(encoding="utf-8")
        return fr, en, result

    return run


def test_built_french_page_follows_oqlf_by_default(typeset_build):
    fr, en, result = typeset_build()
    assert "is in none of the shipped fonts" not in result.err
    assert f'<h1>Le <span class="nowrap">«{NBSP}bon{NBSP}» traitement</span></h1>' in fr  # kept together
    assert "Qu’est-ce que c’est? Une courte réponse." in fr
    assert "Pourquoi?</h2>" in fr
    assert f"Votre médecin dira «{NBSP}très bien{NBSP}»{NBSP}: c’est bon!" in fr
    assert f"Guide{NBSP}: tout savoir" in fr
    # printed with its break opportunities (html/web_addresses.py), with no space before "?"
    assert 'href="https://example.org/guide?x=1">https://<wbr>example.<wbr>org/<wbr>guide?<wbr>x=<wbr>1</a>' in fr
    assert '<code>echo "a : b"</code>' in fr
    assert "https://example.org/?q=1 " in fr
    assert '514-555-0123</a>!' in fr
    assert f"Appelez votre équipe soignante{NBSP}:" in fr, "layout text is typeset too"
    assert "<title>Le «\u00a0bon\u00a0» traitement</title>" in fr
    assert '<h1>The <span class="nowrap">“right” treatment</span></h1>' in en  # last two words kept together
    assert "Your doctor will say “very well”. It’s fine." in en
    text = " ".join(pdf_text(result.out_dir / "fr" / "topic.pdf").split())
    assert "Votre médecin dira « très bien » : c’est bon!" in text
    assert PdfReader(result.out_dir / "fr" / "topic.pdf").metadata.title == f"Le «{NBSP}bon{NBSP}» traitement"


def test_built_french_page_follows_france_when_asked(typeset_build):
    fr, _, _ = typeset_build("typography: fr-FR\n")
    assert f"Pourquoi{NBSP}?</h2>" in fr
    assert f"Qu’est-ce que c’est{NBSP}? Une courte réponse." in fr
    assert f"c’est bon{NBSP}!" in fr


def test_built_pages_use_only_the_shipped_fonts(typeset_build):
    _, _, result = typeset_build("typography: fr-FR\n")
    for lang in ("fr", "en"):
        reader = PdfReader(result.out_dir / lang / "topic.pdf")
        for page in reader.pages:
            for font in page["/Resources"]["/Font"].values():
                assert str(font.get_object()["/BaseFont"]).split("+")[1].startswith(SHIPPED_FONTS)
