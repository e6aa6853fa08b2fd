"""The user documentation holds together: links resolve, every page is reachable, no work history.

README.md is the front door and docs/*.md the pages behind it. A link to a missing file or to a
heading that was renamed is a dead end for a reader; a page README.md does not link to is a page
nobody finds; issue numbers and "this session" belong to git history, not to the documentation.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import ROOT

README = ROOT / "README.md"
DOCS = ROOT / "docs"
README_MAX_LINES = 260

# Work history and issue references. `#` and two digits or more count as an issue number, but not
# a colour (`#1a5276`, and `#123456` with six digits) nor an HTML character reference (`&#160;`).
HISTORY = re.compile(
    r"\bissue\s*#?\d+"
    r"|\bthis session\b"
    r"|(?<![&\w])#(?!\d{6}\b)\d{2,}\b",
    re.IGNORECASE,
)

FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
# [text](target) and ![alt](target); the text may hold one level of brackets (an image in a link).
LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
INLINE_CODE = re.compile(r"(`+)(.+?)\1")


def user_docs() -> list[Path]:
    return [README, *sorted(DOCS.glob("*.md"))]


def prose_lines(text: str) -> list[tuple[int, str]]:
    """(line number, line) for every line outside fenced code blocks."""
    lines, fence = [], None
    for number, line in enumerate(text.splitlines(), 1):
        match = FENCE.match(line)
        if fence is None and match:
            fence = match.group(1)
        elif fence is not None and match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
            fence = None
        elif fence is None:
            lines.append((number, line))
    return lines


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: links reduced to their text, formatting and punctuation
    dropped (hyphens and underscores kept), lowercase, spaces to hyphens."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)
    text = text.replace("`", "").lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """Every heading anchor of a Markdown page; repeated headings get -1, -2... as on GitHub."""
    seen: dict[str, int] = {}
    found = set()
    for _, line in prose_lines(path.read_text(encoding="utf-8")):
        match = HEADING.match(line)
        if not match:
            continue
        base = slug(match.group(2))
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def links(path: Path) -> list[tuple[int, str]]:
    """(line number, target) of every Markdown link and image outside code."""
    found = []
    for number, line in prose_lines(path.read_text(encoding="utf-8")):
        line = INLINE_CODE.sub(lambda m: " " * len(m.group(0)), line)
        found += [(number, m.group(1)) for m in LINK.finditer(line)]
    return found


def broken_links(path: Path) -> list[str]:
    """`path:line: message` for each relative link whose file or heading does not exist."""
    problems = []
    for number, target in links(path):
        if re.match(r"(?i)(https?|mailto|tel):", target):
            continue
        file_part, _, anchor = target.partition("#")
        dest = (path.parent / file_part).resolve() if file_part else path
        where = f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name}:{number}"
        if not dest.exists():
            problems.append(f"{where}: '{target}': no file {file_part}")
        elif anchor and (dest.suffix != ".md" or anchor not in anchors(dest)):
            problems.append(f"{where}: '{target}': no heading '#{anchor}' in {dest.name}")
    return problems


# The checker itself, on small pages: it must find what is broken and accept what is not.


def test_slug_follows_github() -> None:
    assert slug("The web edition and the preview") == "the-web-edition-and-the-preview"
    assert slug("`site.yaml`") == "siteyaml"
    assert slug("Editions: one catalogue, several hospitals") == "editions-one-catalogue-several-hospitals"
    assert slug("A clinic's own templates and styles") == "a-clinics-own-templates-and-styles"
    assert slug("Exit status (0, 1, 2, 130)") == "exit-status-0-1-2-130"
    assert slug("Français — accents") == "français--accents"
    assert slug("See [Printing](printing.md)") == "see-printing"


def test_link_checker_finds_broken_links(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "guide.md").write_text("# Guide\n\n## `site.yaml` keys\n\nText.\n\n## Notes\n\n## Notes\n", encoding="utf-8")
    (docs / "picture.png").write_bytes(b"")
    (docs / "page.md").write_text(
        "# Page\n\n"
        "[ok](guide.md) [ok](guide.md#siteyaml-keys) [ok](#page) [ok](guide.md#notes-1) ![ok](picture.png)\n"
        "[ok](https://example.org/missing) [ok](mailto:a@example.org)\n"
        "[bad file](missing.md)\n"
        "[bad anchor](guide.md#no-such-heading)\n"
        "[bad local anchor](#nowhere) ![bad image](gone.png)\n"
        "`[in code](missing-too.md)`\n"
        "```\n[in a fence](missing-as-well.md)\n```\n",
        encoding="utf-8",
    )
    problems = broken_links(docs / "page.md")
    assert len(problems) == 4, problems
    assert "page.md:5: 'missing.md'" in problems[0]
    assert "page.md:6: 'guide.md#no-such-heading'" in problems[1]
    assert "'#nowhere'" in problems[2] and "'gone.png'" in problems[3]


def test_history_pattern() -> None:
    for text in ("see issue 14", "Issue #9", "fixed in #15", "done in this session", "(#123)"):
        assert HISTORY.search(text), text
    for text in ('primary: "#5b2a86"', 'colour "#123456"', "#1a5276", "#fff", "&#160;", "[^1]", "(#section)", "#1"):
        assert not HISTORY.search(text), text


# The documentation itself.


def test_docs_exist() -> None:
    assert README.is_file()
    assert list(DOCS.glob("*.md")), "docs/ has no pages"


@pytest.mark.parametrize("path", user_docs(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_links_resolve(path: Path) -> None:
    assert broken_links(path) == []


def test_every_docs_page_is_linked_from_readme() -> None:
    linked = {(ROOT / target.partition("#")[0]).resolve() for _, target in links(README)
              if not re.match(r"(?i)(https?|mailto|tel):", target)}
    unlinked = [p.relative_to(ROOT).as_posix() for p in sorted(DOCS.glob("*.md")) if p.resolve() not in linked]
    assert unlinked == [], f"README.md does not link to {unlinked}"


@pytest.mark.parametrize("path", user_docs(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_work_history(path: Path) -> None:
    found = [f"{path.relative_to(ROOT)}:{number}: {match.group(0)!r}"
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             for match in HISTORY.finditer(line)]
    assert found == []


def test_readme_is_short() -> None:
    lines = README.read_text(encoding="utf-8").count("\n")
    assert lines <= README_MAX_LINES, f"README.md has {lines} lines; move detail to docs/"
