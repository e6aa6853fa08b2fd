"""Regeneration: byte-reproducible, incremental to the exact set, parallel, interrupt-safe."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from brochures import __version__ as brochures_version
from brochures.builders.pipeline import Options, build
from brochures.builders.record import RECORD_NAME
from tests.conftest import ROOT, write_tree


def topic(title: str, related: str = "") -> str:
    related_line = f"related: [{related}]\n" if related else ""
    return f"---\ntitle: {title}\n{related_line}---\n## Section\n\nText of {title}.\n"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """Topics a, b, c in en and fr; a lists b as related; the kit bundles b and c."""
    files = {"bundles.yaml": "kit:\n  title: {en: Kit, fr: Trousse}\n  topics: [b, c]\n"}
    for topic_id, related in (("a", "b"), ("b", ""), ("c", "")):
        for lang in ("en", "fr"):
            files[f"{topic_id}/{lang}.md"] = topic(f"{topic_id.upper()} {lang}", related)
    return write_tree(tmp_path / "content", files)


def rebuild(content: Path, out: Path, **options) -> set[str]:
    jobs = options.pop("jobs", 1)
    force = options.pop("force", False)
    result = build(Options(content_dir=content, out_dir=out, **options), force=force, jobs=jobs)
    assert result.ok, [str(p) for p in result.problems]
    return set(result.rendered)


EVERYTHING = {f"{lang}/{name}" for lang in ("en", "fr") for name in ("a", "b", "c", "bundles/kit")}


def test_rebuilds_exactly_what_changed(content, tmp_path):
    out = tmp_path / "out"
    assert rebuild(content, out) == EVERYTHING
    assert rebuild(content, out) == set(), "nothing changed, nothing renders"

    (content / "c" / "fr.md").write_text(topic("C fr, revised"), encoding="utf-8")
    assert rebuild(content, out) == {"fr/c", "fr/bundles/kit"}

    (content / "b" / "fr.md").write_text(topic("B fr") + "More text.\n", encoding="utf-8")
    assert rebuild(content, out) == {"fr/b", "fr/bundles/kit"}, "b's title did not change"
    (content / "b" / "fr.md").write_text(topic("B fr, revised"), encoding="utf-8")
    assert rebuild(content, out) == {"fr/b", "fr/a", "fr/bundles/kit"}, "a prints b's title as related"

    (content / "c" / "diagram.png").write_bytes(b"an image the topic may use")
    assert rebuild(content, out) == {"en/c", "fr/c", "en/bundles/kit", "fr/bundles/kit"}

    (content / "site.yaml").write_text("phone: 514-555-0123\n", encoding="utf-8")
    assert rebuild(content, out) == EVERYTHING
    assert rebuild(content, out, paper="a4") == EVERYTHING, "options are inputs too"
    assert rebuild(content, out, paper="a4") == set()
    assert rebuild(content, out, paper="a4", force=True) == EVERYTHING

    os.utime(content / "a" / "en.md", (0, 0))  # a checkout resets times: content decides
    assert rebuild(content, out, paper="a4") == set()
    (out / "en" / "a.pdf").unlink()
    assert rebuild(content, out, paper="a4") == {"en/a"}, "a missing output is made again"


def test_a_template_change_rebuilds_everything(content, tmp_path):
    out = tmp_path / "out"
    rebuild(content, out)
    write_tree(content, {"templates/partials/review.html.j2": "<footer class=\"review\">Clinic text</footer>\n"})
    assert rebuild(content, out) == EVERYTHING


def test_outputs_of_deleted_topics_are_removed_and_reported(content, tmp_path):
    out = tmp_path / "out"
    rebuild(content, out)
    for lang in ("en", "fr"):
        (content / "a" / f"{lang}.md").unlink()
    (content / "a").rmdir()
    result = build(Options(content_dir=content, out_dir=out))
    assert sorted(result.removed) == ["en/a.pdf", "en/a/index.html", "fr/a.pdf", "fr/a/index.html"]  # web pages too
    assert not (out / "en" / "a.pdf").exists() and (out / "en" / "b.pdf").exists()
    record = json.loads((out / RECORD_NAME).read_text(encoding="utf-8"))
    assert not any(entry["document"].endswith("/a") for entry in record["entries"].values())


def test_builds_are_byte_identical_serial_parallel_and_again(content, tmp_path):
    def pdfs(folder: Path) -> dict[str, bytes]:
        return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.pdf"))}

    rebuild(content, tmp_path / "one", jobs=1, layout="booklet")
    rebuild(content, tmp_path / "two", jobs=2, layout="booklet")
    rebuild(content, tmp_path / "one", jobs=1, layout="booklet", force=True)
    first, second = pdfs(tmp_path / "one"), pdfs(tmp_path / "two")
    assert len(first) == 16 and "fr/bundles/kit.booklet.pdf" in first
    assert first == second


def test_report_and_summary(content, tmp_path, build):
    run = build(content, "--jobs", "2")
    assert run.code == 0, run.err
    report = json.loads((run.out_dir / "build-report.json").read_text(encoding="utf-8"))
    assert set(report["rendered"]) == EVERYTHING and report["unchanged"] == [] and report["failed"] == []
    assert report["pages_written"] == sum(o["pages"] for o in report["outputs"]) > 0
    assert all(o["bytes"] == (run.out_dir / o["path"]).stat().st_size for o in report["outputs"])
    assert "done: 8 rendered, 0 unchanged, 0 removed, 0 failed" in run.out
    assert run.out.count("built ") == 8, "plain lines, not a progress bar, when not on a terminal"

    (content / "b" / "en.md").write_text("---\ntitle: [broken\n---\n", encoding="utf-8")
    run = build(content, "--jobs", "2")
    assert run.code == 1
    report = json.loads((run.out_dir / "build-report.json").read_text(encoding="utf-8"))
    assert {f["output"] for f in report["failed"]} == {"en/b", "en/bundles/kit"}
    assert set(report["unchanged"]) == EVERYTHING - {"en/b", "en/bundles/kit", "en/a"}
    assert "failed: 1 rendered, 5 unchanged, 0 removed, 2 failed" in run.err


def test_interrupted_build_leaves_no_partial_file_and_the_next_one_finishes(tmp_path):
    files = {f"t{n:02d}/en.md": topic(f"Topic {n}") + ("Filler sentence for layout. " * 200) for n in range(12)}
    content = write_tree(tmp_path / "content", files)
    out = tmp_path / "out"
    command = [sys.executable, str(ROOT / "build.py"), "--content", str(content), "--out", str(out),
               "--jobs", "2", "--lang", "en", "-q"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not (out / RECORD_NAME).exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert b"interrupted" in err

    assert [p for p in out.rglob("*.tmp")] == []
    record = json.loads((out / RECORD_NAME).read_text(encoding="utf-8"))
    done = {rel for entry in record["entries"].values() for rel in entry["files"]}
    assert 0 < len(done) < 12, "interrupted in the middle"
    on_disk = {str(p.relative_to(out)) for p in out.rglob("*.pdf")}
    assert done <= on_disk
    for entry in record["entries"].values():
        for rel, size in entry["files"].items():
            assert (out / rel).stat().st_size == size

    finished = rebuild(content, out, langs=("en",))
    assert len(finished) == 12 - len(done)


def test_the_recorded_versions_are_those_the_standard_library_reads() -> None:
    """A fingerprint names the version of each package that shapes a PDF; read from the installed
    metadata as `importlib.metadata` reads it, so that records made before stay current."""
    from importlib.metadata import version

    from brochures.builders.record import PACKAGES, _versions

    assert _versions() == {"version:brochures": brochures_version,
                           **{f"version:{package}": version(package) for package in PACKAGES}}
