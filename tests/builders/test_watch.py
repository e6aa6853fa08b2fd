"""`build.py watch` on a real folder: it rebuilds after a save, reports a broken file and goes on,
takes an editor's burst of writes as one save, and stops cleanly on Ctrl-C."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from tests.builders.test_editions import EDITIONS, SITE
from tests.conftest import pdf_text, write_tree
from tests.running import Running

TIMEOUT = 15  # seconds for any one expected line; the whole test takes about 4


class Watcher(Running):
    """The watch command in a subprocess, its output lines read as they come."""

    def __init__(self, content: Path, out: Path, *options: str, env: dict[str, str] | None = None) -> None:
        super().__init__(["watch", "--content", str(content), "--out", str(out), *options], content.parent,
                         TIMEOUT, env)


def topic(title: str) -> str:
    return f"---\ntitle: {title}\n---\n## A section\n\nSome text for patients.\n"


def test_watch_rebuilds_on_save_survives_a_broken_file_and_stops_on_ctrl_c(tmp_path):
    content = write_tree(tmp_path / "content", {"site.yaml": "languages: [en]\n", "topic/en.md": topic("First")})
    src, pdf = content / "topic" / "en.md", tmp_path / "dist" / "en" / "topic.pdf"
    watcher = Watcher(content, tmp_path / "dist")
    try:
        watcher.wait_for("Ctrl-C to stop")
        watcher.wait_for("built 1 brochure(s), 0 error(s)")
        assert "First" in pdf_text(pdf)

        src.write_text(topic("Second"), encoding="utf-8")
        line = watcher.wait_for("rebuilt")[-1]
        assert line.endswith("rebuilt 1 brochure(s), 0 error(s) (content/topic/en.md changed)"), line
        assert "Second" in pdf_text(pdf)

        src.write_text("---\ntitle: [unclosed\n---\nText.\n", encoding="utf-8")
        got = watcher.wait_for("rebuilt")
        assert got[-1].endswith("rebuilt 0 brochure(s), 1 error(s) (content/topic/en.md changed)"), got
        assert any(line.startswith("content/topic/en.md:2: front matter: invalid YAML") for line in got), got
        assert "Second" in pdf_text(pdf), "the broken file keeps the last good PDF"

        # An editor's save: writes in a burst, a swap file, a backup, a temporary file renamed over
        # the original; one rebuild.
        for draft in ("Thi", "Thir"):
            src.write_text(topic(draft), encoding="utf-8")
            time.sleep(0.05)
        (content / "topic" / ".en.md.swp").write_text("swap")
        (content / "topic" / "en.md~").write_text(src.read_text(encoding="utf-8"))
        temporary = content / "topic" / "en.md.tmp"
        temporary.write_text(topic("Third"), encoding="utf-8")
        os.replace(temporary, src)
        line = watcher.wait_for("rebuilt")[-1]
        assert line.endswith("rebuilt 1 brochure(s), 0 error(s) (content/topic/en.md changed)"), line
        assert "Third" in pdf_text(pdf)

        (content / "topic" / "notes.txt~").write_text("only an editor's leftover")
        time.sleep(1)  # longer than the watcher's quiet period: a rebuild would have started by now
    finally:
        code, rest = watcher.stop()
    assert code == 0
    assert rest == ["stopped"], "one rebuild per save, none for leftovers, then a clean stop"


def test_watch_stops_cleanly_on_sigterm(tmp_path):
    """A service manager stops the watcher with SIGTERM: the same clean exit as Ctrl-C."""
    content = write_tree(tmp_path / "content", {"site.yaml": "languages: [en]\n", "topic/en.md": topic("First")})
    system_temp = tmp_path / "tmp"
    system_temp.mkdir()
    watcher = Watcher(content, tmp_path / "dist", env={**os.environ, "TMPDIR": str(system_temp)})
    try:
        watcher.wait_for("built 1 brochure(s), 0 error(s)")
    finally:
        code, rest = watcher.stop(signal.SIGTERM)
    assert code == 0
    assert any(line.endswith("stopped") for line in rest), rest
    assert list((tmp_path / "dist").rglob("*.tmp")) == []
    assert list(system_temp.iterdir()) == [], "no font or work folder left in the temporary folder"


def test_watch_builds_the_editions_it_is_given(tmp_path):
    content = write_tree(tmp_path / "content", {"site.yaml": SITE, "editions.yaml": EDITIONS,
                                                "alpha/fr.md": topic("Alpha"), "beta/fr.md": topic("Beta")})
    out = tmp_path / "dist"
    watcher = Watcher(content, out, "--edition", "north", "--lang", "fr", "--jobs", "1")
    try:
        watcher.wait_for("built 2 brochure(s), 0 error(s)")
        (content / "alpha" / "fr.md").write_text(topic("Alpha again"), encoding="utf-8")
        line = watcher.wait_for("rebuilt")[-1]
        assert line.endswith("rebuilt 1 brochure(s), 0 error(s) (content/alpha/fr.md changed)"), line
    finally:
        code, rest = watcher.stop()
    assert code == 0, rest
    assert "Alpha again" in pdf_text(out / "north" / "fr" / "alpha.pdf")
    assert "819-555-0101" in pdf_text(out / "north" / "fr" / "beta.pdf")
    assert not (out / "south").exists() and not (out / "fr").exists(), "only the edition asked for"
