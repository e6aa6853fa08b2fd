"""Reading-level figures, and `check --readability` on the sample catalogue and on a hard text."""

from __future__ import annotations

import pytest

from brochures.cli import main
from brochures.html.readability import measure, syllable_count
from tests.conftest import SAMPLE_CONTENT, SAMPLE_TOPICS


@pytest.mark.parametrize("lang, word, syllables", [
    ("en", "cat", 1), ("en", "care", 1), ("en", "treatment", 2), ("en", "chemotherapy", 5),
    ("en", "immunotherapy", 6), ("fr", "chat", 1), ("fr", "équipe", 2), ("fr", "médicament", 4),
    ("fr", "immunothérapie", 6),
])
def test_syllables(lang, word, syllables):
    assert syllable_count(word, lang) == syllables


def test_flesch_kincaid_grade_by_hand():
    # 12 words, 2 sentences, 13 syllables ("treatment" has two):
    # 0.39 × 12/2 + 11.8 × 13/12 − 15.59 = −0.47 (easier than first grade)
    result = measure("<p>The cat sat on the mat. Your treatment is a bit long.</p>", "en")
    assert (result.sentences, result.words, result.syllables) == (2, 12, 13)
    assert result.score == -0.5


def test_kandel_moles_by_hand():
    # 6 words, 1 sentence, 7 syllables (ta-pis): 207 − 1.015 × 6 − 73.6 × 7/6 = 115.0
    result = measure("<p>Le chat est sur le tapis.</p>", "fr")
    assert (result.sentences, result.words, result.syllables) == (1, 6, 7)
    assert result.score == 115.0


def test_blocks_end_sentences_and_headings_do_not_count():
    html = "<h2>A heading here</h2><ul><li>Dry skin</li><li>Pain<ul><li>Nested item</li></ul></li></ul>" \
           "<table><tr><td>Every day</td></tr></table><pre>code words</pre>"
    result = measure(html, "en")
    assert result.sentences == 4
    assert result.words == 7


def test_longest_sentences_and_long_words_are_listed():
    result = measure("<p>Short one. This sentence about immunotherapy and chemotherapy is the longest one. "
                     "Immunotherapy helps.</p>", "en")
    assert result.longest[0].startswith("This sentence about immunotherapy")
    assert result.long_words[:2] == ("immunotherapy", "chemotherapy")


def test_sample_catalogue_meets_its_reading_targets(capsys):
    assert main(["check", "--readability", "--content", str(SAMPLE_CONTENT)]) == 0
    out = capsys.readouterr().out
    for topic in SAMPLE_TOPICS:
        assert f"{topic} (en): Flesch-Kincaid grade " in out
        assert f"{topic} (fr): Kandel-Moles ease " in out
    assert "ABOVE TARGET" not in out
    assert "long sentence (" in out and "words of many syllables: " in out


HARD_EN = """\
---
title: Hard
---
Notwithstanding the considerable heterogeneity of immunological responses, administration of \
checkpoint inhibitors necessitates comprehensive multidisciplinary evaluation, continuous \
monitoring of biochemical parameters and individualized management of immune-related toxicities.
"""


def test_hard_text_and_site_targets_are_flagged(catalogue, capsys):
    content = catalogue({"hard/en.md": HARD_EN, "site.yaml": "readability:\n  kandel_moles: 200\n"})
    assert main(["check", "--readability", "--content", str(content)]) == 1
    captured = capsys.readouterr()
    assert "hard (en): Flesch-Kincaid grade " in captured.out and "ABOVE TARGET" in captured.out
    errors = [line for line in captured.err.splitlines() if "readability:" in line]
    assert any(line.startswith(str(content / "hard" / "en.md")) or "hard/en.md: readability: " in line
               for line in errors), captured.err
    assert any("minimal/fr.md: readability: Kandel-Moles ease" in line and "at least 200" in line
               for line in errors), "the site target applies"
    assert not any("minimal/en.md" in line for line in errors)
