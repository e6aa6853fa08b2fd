"""Every example of the CommonMark specification prints all its words, or the writer is told.

The examples come from the npm package commonmark-spec (pinned in package-lock.json, installed by
`make test`), each built as a topic (tests/commonmark.py says how, cheaply). For each, every word
of the output CommonMark expects (as a browser shows it: an ordered list's numbers, no comments or
scripts) is in the PDF as one of two readings has it; or the words it lacks are quoted by a warning
on that example; or the example is one of the few that Python-Markdown reads another way, listed
with the reason in tests/fixtures/commonmark/dialect.yaml.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.commonmark import Outcome, build_corpus, examples, write_topics

DIALECT = Path(__file__).resolve().parent.parent / "fixtures" / "commonmark" / "dialect.yaml"


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> list[Outcome]:
    folder = tmp_path_factory.mktemp("commonmark")
    chosen = examples()
    assert len(chosen) == 652  # commonmark-spec 0.31.2
    out = folder / "out"
    out.mkdir()
    return build_corpus(write_topics(folder / "content", chosen), out, chosen)


def test_every_example_prints_its_words_or_says_what_it_did_not(outcomes: list[Outcome]) -> None:
    listed = yaml.safe_load(DIALECT.read_text(encoding="utf-8"))
    untold = {o.example.number: dict(o.missing) for o in outcomes if o.missing and not o.told}
    assert {n: words for n, words in untold.items() if n not in listed} == {}, \
        "lost without a word: fix, warn, or list in dialect.yaml with the reason"
    assert sorted(set(listed) - set(untold)) == [], "these now print all their words: take them out of dialect.yaml"
    assert all(isinstance(reason, str) and len(reason) > 20 for reason in listed.values())
    assert len(listed) <= 15, "the dialect list stays short"


def test_the_examples_print_and_the_warnings_are_true(outcomes: list[Outcome]) -> None:
    built = [o for o in outcomes if o.built]
    assert len(built) >= 600 and all(o.printed for o in built)
    assert all(len(o.printed) == 2 for o in built), "two readings of every example"
    told = [o for o in outcomes if o.missing and o.told and o.built]
    assert told, "some examples lose words to a warning (a refused link target), quoted in it"
    for outcome in outcomes:
        for problem in outcome.problems:
            line = str(problem)
            assert "\n" not in line and "\x02" not in line and "\x03" not in line, line
            if problem.line is not None:  # a line of this example's own file
                assert problem.path is not None and problem.path.parent.name == f"example-{outcome.example.number:04d}"
                assert 4 <= problem.line < 4 + max(1, outcome.example.markdown.count("\n") + 1), line


def test_no_converter_placeholder_reaches_a_page(outcomes: list[Outcome]) -> None:
    for outcome in outcomes:
        for text in outcome.printed:
            assert "\x02" not in text and "\x03" not in text, outcome.example.number
