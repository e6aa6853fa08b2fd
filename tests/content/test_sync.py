"""Translation sync: `check` finds missing, stale and orphaned translations; `mark-translated`
records a reviewed one, changing nothing else in the file; a build warns, `--strict` refuses."""

from __future__ import annotations

from pathlib import Path

import pytest

from brochures.cli import main

SOURCE = "---\ntitle: Fever\nsummary: What to do.\n---\n## When to call\n\nCall if you have a fever.\n"
# A translation with CRLF line endings, a comment and odd spacing: all of it must survive marking.
TRANSLATION = ("---\r\n# translated by the clinic\r\ntitle:   Fièvre\r\nsummary: Quoi faire.\r\n---\r\n"
               "## Quand appeler\r\n\r\nAppelez si vous faites de la fièvre.\r\n")


def check(content: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = main(["check", "--content", str(content)])
    return code, [line for line in capsys.readouterr().err.splitlines() if not line.startswith("failed: ")]


def mark(content: Path, topic: str, lang: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["mark-translated", topic, lang, "--content", str(content)])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_check_reports_stale_after_the_source_changes_and_is_clean_after_marking(catalogue, capsys):
    content = catalogue({"fever/en.md": SOURCE, "fever/fr.md": TRANSLATION}, with_minimal=False)
    code, lines = check(content, capsys)
    assert code == 1
    assert len(lines) == 1 and "fever/fr.md:1: translation not marked: compare it with en.md, then run " \
                                "'python build.py mark-translated fever fr'" in lines[0]

    code, out = mark(content, "fever", "fr", capsys)
    assert code == 0, out
    assert check(content, capsys) == (0, [])

    source = content / "fever" / "en.md"
    source.write_text(SOURCE.replace("a fever", "a high fever"), encoding="utf-8")
    code, lines = check(content, capsys)
    assert code == 1
    assert len(lines) == 1 and "fever/fr.md:5: stale translation: en.md changed since this translation was " \
                                "marked" in lines[0]

    source.write_text(SOURCE.replace("\n", "\r\n"), encoding="utf-8")
    assert check(content, capsys) == (0, []), "line endings are not a change to translate"

    source.write_text(SOURCE.replace("summary: What to do.\n", "summary: What to do.\nreviewed: 2026-01-02\n"))
    assert check(content, capsys) == (0, []), "a new review date needs no new translation"


def test_mark_translated_changes_only_its_own_line(catalogue, capsys):
    content = catalogue({"fever/en.md": SOURCE, "fever/fr.md": TRANSLATION}, with_minimal=False)
    path = content / "fever" / "fr.md"
    assert mark(content, "fever", "fr", capsys)[0] == 0
    first = path.read_bytes()
    assert first.startswith(b"---\r\n# translated by the clinic\r\ntitle:   Fi\xc3\xa8vre\r\nsummary: Quoi faire.\r\n"
                            b'translation_of: "')
    assert first.replace(first.split(b"\r\n")[4] + b"\r\n", b"") == TRANSLATION.encode("utf-8")

    (content / "fever" / "en.md").write_text(SOURCE.replace("fever.", "fever or chills."), encoding="utf-8")
    assert mark(content, "fever", "fr", capsys)[0] == 0
    second = path.read_bytes()
    assert second != first and len(second) == len(first), "the same line is rewritten in place"
    assert second.split(b"\r\n")[:4] == first.split(b"\r\n")[:4]
    assert second.split(b"\r\n")[5:] == first.split(b"\r\n")[5:]


def test_check_lists_missing_and_orphaned_translations(catalogue, capsys):
    content = catalogue({
        "site.yaml": "languages: [en, fr, es]\n",
        "fever/en.md": SOURCE,
        "nausea/fr.md": "---\ntitle: Nausées\n---\nTexte.\n",
        "locales/es.po": 'msgid ""\nmsgstr ""\n"Language: es\\n"\n',
    }, with_minimal=False)
    code, lines = check(content, capsys)
    assert code == 1
    joined = "\n".join(lines)
    assert "fever/fr.md: missing translation: topic 'fever' has no fr.md (its source is en.md)" in joined
    assert "fever/es.md: missing translation" in joined
    assert "nausea/fr.md:1: orphan translation: its source en.md does not exist" in joined
    assert "nausea/es.md" not in joined, "a topic without its source asks for no more translations"
    assert "locales/es.po: no translation for layout text 'Sources'" in joined


def test_a_topic_written_first_in_french(catalogue, capsys):
    content = catalogue({
        "fever/fr.md": "---\ntitle: Fièvre\nsource_language: fr\n---\nAppelez si vous faites de la fièvre.\n",
        "fever/en.md": "---\ntitle: Fever\n---\nCall if you have a fever.\n",
    }, with_minimal=False)
    code, lines = check(content, capsys)
    assert code == 1 and "fever/en.md:1: translation not marked: compare it with fr.md" in lines[0]
    assert mark(content, "fever", "en", capsys)[0] == 0
    assert check(content, capsys) == (0, [])
    assert 'translation_of: "' in (content / "fever" / "en.md").read_text(encoding="utf-8")
    assert "translation_of" not in (content / "fever" / "fr.md").read_text(encoding="utf-8")


def test_site_source_language_applies_to_every_topic(catalogue, capsys):
    content = catalogue({"site.yaml": "source_language: fr\n"})
    code, lines = check(content, capsys)
    assert code == 1 and "minimal/en.md:1: translation not marked: compare it with fr.md" in lines[0]


# (topic files, command arguments, expected output fragment)
MARK_PROBLEMS = [
    pytest.param({}, ["nope", "fr"], "unknown topic 'nope'", id="unknown-topic"),
    pytest.param({}, ["fever", "en"], "fever/en.md: en.md is the source of topic 'fever'", id="source-itself"),
    pytest.param({}, ["fever", "de"], "fever/de.md: no 'de' translation to mark", id="no-such-translation"),
    pytest.param({"fever/fr.md": "---\ntitel: x\n---\nTexte.\n"}, ["fever", "fr"],
                 "fever/fr.md:2: front matter: unknown key 'titel'", id="broken-translation"),
    pytest.param({"fever/en.md": "---\ntitle: [\n---\nText.\n"}, ["fever", "fr"],
                 "fever/en.md: the source of this translation is missing or has errors", id="broken-source"),
]


@pytest.mark.parametrize("files, args, expected", MARK_PROBLEMS)
def test_mark_translated_problems(catalogue, capsys, files, args, expected):
    content = catalogue({"fever/en.md": SOURCE, "fever/fr.md": TRANSLATION, **files}, with_minimal=False)
    before = {p: p.read_bytes() for p in content.rglob("*.md")}
    code, out = mark(content, args[0], args[1], capsys)
    assert code == 1
    assert expected in out
    assert {p: p.read_bytes() for p in content.rglob("*.md")} == before


def test_stale_translation_builds_with_a_warning_and_strict_refuses_it(catalogue, build):
    content = catalogue({"fever/en.md": SOURCE, "fever/fr.md": TRANSLATION}, with_minimal=False)
    run = build(content)
    assert run.code == 0, run.err
    assert "fever/fr.md:1: warning: translation not marked" in run.err
    assert (run.out_dir / "fr" / "fever.pdf").is_file()

    strict = build(content, "--strict", out=run.out_dir.parent / "strict")
    assert strict.code == 1
    assert "fever/fr.md:1: translation not marked" in strict.err
    assert (strict.out_dir / "en" / "fever.pdf").is_file()
    assert not (strict.out_dir / "fr" / "fever.pdf").exists()

    assert main(["mark-translated", "fever", "fr", "--content", str(content)]) == 0
    assert build(content, "--strict", out=run.out_dir.parent / "again").code == 0


def test_mark_translated_repairs_a_mangled_fingerprint(catalogue, capsys):
    mangled = TRANSLATION.replace("summary:", "translation_of: 1e5\r\nsummary:")
    content = catalogue({"fever/en.md": SOURCE, "fever/fr.md": mangled}, with_minimal=False)
    assert "'translation_of' must be the 10-character fingerprint" in "\n".join(check(content, capsys)[1])
    assert mark(content, "fever", "fr", capsys)[0] == 0
    assert check(content, capsys) == (0, [])
