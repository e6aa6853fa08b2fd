"""Bad input gives one clear `path:line: message` and exit status 1, never a traceback.

Each broken topic sits beside the valid `minimal` topic, which must still build: one bad file
never stops the rest. Problems in site.yaml are different: they stop every brochure, since a
wrong setting would print a wrong phone number on all of them.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

import brochures.files
from brochures.files import write_atomic

GOOD_BODY = "---\ntitle: Ok\n---\nText.\n"
ONLY_EN = "---\ntitle: English only\n---\nText.\n"


def problem_lines(run) -> list[str]:
    """The stderr lines that report problems (the last line is the build summary)."""
    return [line for line in run.lines if not line.startswith(("failed: ", "done: "))]


def built_pdfs(run) -> list[Path]:
    return sorted(run.out_dir.rglob("*.pdf")) if run.out_dir.exists() else []


def assert_one_problem(run, expected: str) -> None:
    """Exactly one problem line, whose tail (path relative to the content folder) is `expected`."""
    assert "Traceback" not in run.err
    lines = problem_lines(run)
    assert len(lines) == 1, run.err
    line = lines[0]
    assert line.startswith(expected) or f"/{expected}" in line, f"expected {expected!r} in:\n{run.err}"
    assert run.code == 1, run.err


# (files of the broken topic, expected "path:line: start of the message")
TOPIC_PROBLEMS = [
    pytest.param({"bad/en.md": "---\ntitle: [unclosed\n---\nText.\n"},
                 "bad/en.md:2: front matter: invalid YAML", id="yaml-unclosed-bracket"),
    pytest.param({"bad/en.md": "---\ntitle: Ok\nsummary: [unclosed\nsubtitle: More\n---\nText.\n"},
                 "bad/en.md:3: front matter: invalid YAML", id="yaml-unclosed-bracket-line-3"),
    pytest.param({"bad/en.md": "---\ntitle: Ok\nsummary: \"unclosed\n---\nText.\n"},
                 "bad/en.md:3: front matter: invalid YAML", id="yaml-unclosed-quote"),
    pytest.param({"bad/en.md": "---\ntitle: Ok\nsummary\nsubtitle: More\n---\nText.\n"},
                 "bad/en.md:3: front matter: invalid YAML: could not find expected ':'", id="yaml-missing-colon"),
    pytest.param({"bad/en.md": "---\ntitle: Ok\n\tsummary: Tab\n---\nText.\n"},
                 "bad/en.md:3: front matter: invalid YAML", id="yaml-tab"),
    pytest.param({"bad/en.md": b"---\r\ntitle: Ok\r\nsummary: [unclosed\r\n---\r\nText.\r\n"},
                 "bad/en.md:3: front matter: invalid YAML", id="yaml-crlf"),
    pytest.param({"bad/en.md": "---\ntitle: Ok\nsummary: a\x00b\n---\nText.\n"},
                 "bad/en.md:3: front matter: invalid YAML", id="yaml-control-character"),
    pytest.param({"bad/en.md": "---\ntitle: !!python/object/apply:os.system ['echo PWNED']\n---\nText.\n"},
                 "bad/en.md:2: front matter: invalid YAML: could not determine a constructor",
                 id="yaml-python-object"),
    pytest.param({"bad/en.md": "---\ntitle: Ok\nsummary: " + "[" * 2000 + "]" * 2000 + "\n---\nText.\n"},
                 "bad/en.md:2: front matter: nested too deeply", id="yaml-deep-nesting"),
    pytest.param({"bad/en.md": "---\n- title\n- Ok\n---\nText.\n"},
                 "bad/en.md:2: front matter: expected 'key: value' lines, got a list", id="not-a-mapping"),
    pytest.param({"bad/en.md": "---\nsummary: No title.\n---\nText.\n"},
                 "bad/en.md:2: front matter: 'title' is required", id="title-missing"),
    pytest.param({"bad/en.md": "---\ntitle:\n---\nText.\n"},
                 "bad/en.md:2: front matter: 'title' is required", id="title-null"),
    pytest.param({"bad/en.md": "---\nsummary: x\ntitle: '  '\n---\nText.\n"},
                 "bad/en.md:3: front matter: 'title' must not be empty", id="title-empty"),
    pytest.param({"bad/en.md": "---\ntitle: yes\n---\nText.\n"},
                 "bad/en.md:2: front matter: 'title' must be text", id="title-boolean"),
    pytest.param({"bad/en.md": "---\ntitle: [a, b]\n---\nText.\n"},
                 "bad/en.md:2: front matter: 'title' must be text", id="title-list"),
    pytest.param({"bad/en.md": "---\ntitle: Ok\nsubtitle: 2026-03-14\n---\nText.\n"},
                 "bad/en.md:3: front matter: 'subtitle' must be text", id="subtitle-date"),
    pytest.param({"bad/en.md": "---\ntitle: Ok\ntitel: Typo\n---\nText.\n"},
                 "bad/en.md:3: front matter: unknown key 'titel' (did you mean 'title'?)", id="unknown-key"),
    pytest.param({"bad/en.md": "---\ntitle: Ok\nsummary: One.\ntitle: Two\n---\nText.\n"},
                 "bad/en.md:4: front matter: 'title' is given twice (also on line 2)", id="duplicate-key"),
    pytest.param({"bad/en.md": "# Heading\n\ntitle: Ok\n"},
                 "bad/en.md:1: front matter: missing", id="front-matter-missing"),
    pytest.param({"bad/en.md": ""},
                 "bad/en.md:1: front matter: missing", id="empty-file"),
    pytest.param({"bad/en.md": "---\ntitle: Ok\n\nText without the closing line.\n"},
                 "bad/en.md:1: front matter: not closed", id="front-matter-unclosed"),
    pytest.param({"bad/en.md": "---\ntitle: Ok\nreviewed: 14/03/2026\n---\nText.\n"},
                 "bad/en.md:3: front matter: 'reviewed' must be a date written YYYY-MM-DD, got '14/03/2026'",
                 id="reviewed-not-iso"),
    pytest.param({"bad/en.md": "---\ntitle: Ok\nreviewed: 2026-02-30\n---\nText.\n"},
                 "bad/en.md:3: front matter: cannot read the value '2026-02-30'", id="reviewed-no-such-day"),
    pytest.param({"bad/en.md": "---\ntitle: Ok\nsources:\n  - title: Good\n    url: https://example.org\n"
                                "  - url: https://example.org/untitled\n---\nText.\n"},
                 "bad/en.md:3: front matter: source 2: 'title' is required", id="source-without-title"),
    pytest.param({"bad/en.md": "---\ntitle: Ok\nsources:\n  - title: Evil\n    url: javascript:alert(1)\n"
                                "---\nText.\n"},
                 "bad/en.md:3: front matter: source 1: 'url' must start with https:// or http://",
                 id="source-javascript-url"),
    pytest.param({"bad/en.md": "---\ntitle: Ok\nsources:\n  - title: Web\n    link: https://example.org\n"
                                "---\nText.\n"},
                 "bad/en.md:3: front matter: source 1: unknown key 'link'", id="source-unknown-key"),
    pytest.param({"bad/en.md": "---\ntitle: Ok\nsources:\n  - title: Ailleurs\n    lang: French\n---\nText.\n"},
                 "bad/en.md:3: front matter: source 1: 'lang' must be a language code such as fr, en or en-CA",
                 id="source-lang-name"),
    pytest.param({"bad/en.md": "---\ntitle: Ok\nsources: https://example.org\n---\nText.\n"},
                 "bad/en.md:3: front matter: 'sources' must be a list", id="sources-not-a-list"),
    pytest.param({"bad/en.md": "---\ntitle: Ok\n\nrelated: [no-such-topic]\n---\nText.\n"},
                 "bad/en.md:4: front matter: related topic 'no-such-topic' does not exist", id="related-unknown"),
    pytest.param({"bad/en.md": "---\ntitle: Ok\nrelated: [Minimal]\n---\nText.\n"},
                 "bad/en.md:3: front matter: related topic 'Minimal' is not a topic id", id="related-not-an-id"),
    pytest.param({"bad/en.md": "---\ntitle: Ok\n---\n\nSome text.\n\n![x](nope.png)\n"},
                 "bad/en.md:7: image 'nope.png' not found", id="image-missing"),
    pytest.param({"bad/en.md": "---\ntitle: Ok\n---\n\nCaf\xe9 au lait.\n".encode("latin-1")},
                 "bad/en.md:5: not UTF-8 text", id="latin-1"),
    pytest.param({"bad/en.md": "---\ntitle: Ok\nsource_language: French\n---\nText.\n"},
                 "bad/en.md:3: front matter: 'source_language' must be a language code", id="source-language-name"),
    pytest.param({"bad/en.md": "---\ntitle: Ok\ntranslation_of: 1e5\n---\nText.\n"},
                 "bad/en.md:3: front matter: 'translation_of' must be the 10-character fingerprint",
                 id="translation-of-number"),
    pytest.param({"bad/en.md": "---\ntitle: Ok\ntranslated_of: \"0123456789\"\n---\nText.\n"},
                 "bad/en.md:3: front matter: unknown key 'translated_of' (did you mean 'translation_of'?)",
                 id="translation-of-typo"),
    pytest.param({"Bad_Topic/en.md": GOOD_BODY},
                 "Bad_Topic: topic folder names use lowercase letters, digits and hyphens", id="bad-topic-id"),
]


@pytest.mark.parametrize("files, expected", TOPIC_PROBLEMS)
def test_bad_topic_is_reported_and_the_others_still_build(catalogue, build, files, expected):
    content = catalogue(files)
    run = build(content, "--lang", "en")
    assert_one_problem(run, expected)
    assert (run.out_dir / "en" / "minimal.pdf").is_file(), run.err
    assert not (run.out_dir / "en" / "bad.pdf").exists()
    assert "failed: 1 rendered, 0 unchanged, 0 removed" in run.err


# (site.yaml, expected "path:line: start of the message")
SITE_PROBLEMS = [
    pytest.param("paper: letter\nphone: [unclosed\n",
                 "site.yaml:2: site settings: invalid YAML", id="invalid-yaml"),
    pytest.param("paper: letter\nphnoe: 514-555-0123\n",
                 "site.yaml:2: site settings: unknown key 'phnoe' (did you mean 'phone'?)", id="unknown-key"),
    pytest.param("paper: a5\n",
                 "site.yaml:1: site settings: 'paper' must be one of letter, a4, got 'a5'", id="paper-a5"),
    pytest.param("languages: [EN]\n",
                 "site.yaml:1: site settings: 'EN' is not a language code", id="language-uppercase"),
    pytest.param("website: javascript:alert(1)\n",
                 "site.yaml:1: site settings: 'website' must start with https:// or http://", id="website-scheme"),
    pytest.param("typography: fr-BE\n",
                 "site.yaml:1: site settings: 'typography' must be one of fr-CA, fr-FR, got 'fr-BE'", id="typography"),
    pytest.param("source_language: english\n",
                 "site.yaml:1: site settings: 'source_language' must be a language code", id="source-language"),
    pytest.param("no_hyphenation: [nivolumab, two words]\n",
                 "site.yaml:1: site settings: no_hyphenation: 'two words' must be one word", id="no-hyphenation"),
    pytest.param("phone: 514-555-0123\nphone: 514-555-9999\n",
                 "site.yaml:2: site settings: 'phone' is given twice (also on line 1)", id="duplicate-key"),
    pytest.param("organisation: Clinique d'oncologie\n".encode("latin-1") + "phone: caf\xe9\n".encode("latin-1"),
                 "site.yaml:2: not UTF-8 text", id="latin-1"),
]


@pytest.mark.parametrize("site_yaml, expected", SITE_PROBLEMS)
def test_bad_site_settings_stop_every_brochure(catalogue, build, site_yaml, expected):
    content = catalogue({"site.yaml": site_yaml, "other/en.md": GOOD_BODY})
    run = build(content)
    assert_one_problem(run, expected)
    assert built_pdfs(run) == []
    assert "failed: 0 rendered, 0 unchanged, 0 removed, 0 failed" in run.err


# (extra files, command-line arguments, expected start of the message)
COMMAND_LINE_PROBLEMS = [
    pytest.param({}, ("nope",), "unknown topic 'nope'", id="unknown-topic"),
    pytest.param({}, ("minimall",), "unknown topic 'minimall' (did you mean 'minimal'?)", id="topic-typo"),
    pytest.param({}, ("--lang", "de"), "unknown language 'de'", id="unknown-language"),
    pytest.param({"only-en/en.md": ONLY_EN}, ("only-en", "--lang", "fr"),
                 "only-en/fr.md: missing translation: topic 'only-en' has no fr.md", id="missing-translation"),
]


@pytest.mark.parametrize("files, args, expected", COMMAND_LINE_PROBLEMS)
def test_bad_command_line(catalogue, build, files, args, expected):
    run = build(catalogue(files), *args)
    assert_one_problem(run, expected)
    assert built_pdfs(run) == []


def test_missing_translation_is_only_a_warning_when_not_asked_for(catalogue, build):
    run = build(catalogue({"only-en/en.md": ONLY_EN}), "only-en")
    assert run.code == 0, run.err
    [line] = problem_lines(run)
    assert "only-en/fr.md: warning: missing translation" in line
    assert (run.out_dir / "en" / "only-en.pdf").is_file()


def test_failed_topic_keeps_its_previous_pdf(catalogue, build):
    content = catalogue({"topic/en.md": GOOD_BODY})
    first = build(content, "--lang", "en")
    assert first.code == 0, first.err
    pdf = first.out_dir / "en" / "topic.pdf"
    before = pdf.read_bytes()
    assert before.startswith(b"%PDF")

    (content / "topic" / "en.md").write_text("---\ntitle: [broken\n---\nNew text.\n", encoding="utf-8")
    second = build(content, "--lang", "en")
    assert_one_problem(second, "topic/en.md:2: front matter: invalid YAML")
    assert pdf.read_bytes() == before
    assert (second.out_dir / "en" / "minimal.pdf").is_file()
    leftovers = [p.name for p in second.out_dir.rglob("*") if p.name.endswith(".tmp") or p.name.startswith(".")]
    assert leftovers == [".build-record.json"]


def test_interrupted_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "out" / "en" / "topic.pdf"
    write_atomic(target, b"%PDF old")

    def fail(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(brochures.files.os, "replace", fail)
    with pytest.raises(OSError):
        write_atomic(target, b"%PDF new")
    assert target.read_bytes() == b"%PDF old"
    assert sorted(p.name for p in target.parent.iterdir()) == ["topic.pdf"]


def _snapshot(folder: Path) -> dict[str, str]:
    """Every file and folder under `folder`, with a hash of each file's bytes and its mode."""
    snapshot = {}
    for path in sorted(folder.rglob("*")):
        rel = str(path.relative_to(folder))
        if path.is_symlink():
            snapshot[rel] = "link:" + os.readlink(path)
        elif path.is_dir():
            snapshot[rel] = "dir"
        else:
            stat = path.stat()
            snapshot[rel] = f"{hashlib.sha256(path.read_bytes()).hexdigest()} {stat.st_mode:o} {stat.st_mtime_ns}"
    return snapshot


def test_build_never_modifies_the_content_folder(catalogue, build, tmp_path):
    content = catalogue({
        "site.yaml": "organisation: Clinic\nphone: 514-555-0123\nwebsite: https://example.org\n",
        "good/en.md": "---\ntitle: Good\nrelated: [minimal]\n---\n## Part\n\nCall 1-800-363-0063.\n",
        "good/fr.md": "---\ntitle: Bon\n---\nTexte.\n",
        "broken/en.md": "---\ntitle: [broken\n---\nText.\n",
        "broken/notes.txt": "not a topic file",
        "hostile/en.md": "---\ntitle: Hostile\n---\n<script>x()</script>\n\n![m](missing.png)\n",
        "_drafts/en.md": "---\ntitle: Draft\n---\n",
    })
    before = _snapshot(content)
    run = build(content, "--html", out=tmp_path / "dist")
    assert run.code == 1, run.err
    assert "Traceback" not in run.err
    assert (run.out_dir / "en" / "good.pdf").is_file()
    assert _snapshot(content) == before
