"""Names of medicines are never hyphenated nor split at their own hyphen."""

from __future__ import annotations

import re

import pytest

from brochures.html.terms import is_term
from tests.conftest import ROOT

# (word, listed in site.yaml, is a term)
WORDS = [
    ("CTLA-4", (), True), ("PD-L1", (), True), ("CAR-T", (), True), ("HER2", (), True), ("mRNA", (), True),
    ("pembrolizumab", (), True), ("imatinib", (), True), ("cisplatin", (), True), ("paclitaxel", (), True),
    ("Nivolumab", (), True), ("tamoxifen", (), False), ("tamoxifen", ("tamoxifen",), True),
    ("Tamoxifène", ("tamoxifène",), True), ("immunothérapie", (), False), ("Fièvre", (), False),
    ("c’est-à-dire", (), False), ("2026", (), False), ("a", (), False),
]


@pytest.mark.parametrize("word, listed, expected", WORDS)
def test_is_term(word, listed, expected):
    assert is_term(word, frozenset(w.lower() for w in listed)) is expected


BODY = """\
---
title: Médicaments
---
## Les inhibiteurs PD-1

Le pembrolizumab et le tamoxifène bloquent PD-L1 et CTLA-4. Le *nivolumab*{: .term } aussi.

Voir https://example.org/PD-L1 et `PD-L1` dans le code.
"""


def test_terms_are_wrapped_in_the_html(catalogue, build):
    content = catalogue({"site.yaml": "languages: [fr]\nno_hyphenation: [tamoxifène]\n", "meds/fr.md": BODY},
                        with_minimal=False)
    run = build(content, "--html")
    assert run.code == 0, run.err
    html = (run.out_dir / "fr" / "meds.print.html").read_text(encoding="utf-8")
    body = html[html.index('<div class="body">'):]
    terms = re.findall(r'<span class="term">([^<]*)</span>', body)
    assert terms == ["PD-1", "pembrolizumab", "tamoxifène", "PD-L1", "CTLA-4"]
    assert '<em class="term">nivolumab</em>' in body, "an author's own mark"
    assert "https://example.org/PD-L1" in body and "<code>PD-L1</code>" in body


def test_the_stylesheet_keeps_terms_whole():
    css = (ROOT / "styles" / "brochure.css").read_text(encoding="utf-8")
    assert ".term { hyphens: manual; white-space: nowrap; }" in css
