"""The output folder is ours only where we wrote it; faults of the disk are one line each.

A forged build record never leads a deletion outside `--out`; a second catalogue never takes
over the first one's folder; a user's own files are left alone; a full, read-only or wrong
output folder ends with one line and the usual summary, never a traceback.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

import pytest

from brochures.builders.record import RECORD_NAME
from tests.conftest import MINIMAL_EN, write_tree


def digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*.pdf"))}


def test_forged_record_entries_never_delete_outside_the_output_folder(catalogue, build, tmp_path):
    content = catalogue({"site.yaml": "languages: [en]\n"})
    out = tmp_path / "shared" / "dist"
    assert build(content, out=out).code == 0
    precious = write_tree(tmp_path, {"shared/precious.pdf": "keep me", "elsewhere/x.pdf": "keep me too"})
    (out / "en" / "escape").symlink_to(precious / "elsewhere", target_is_directory=True)
    record = json.loads((out / RECORD_NAME).read_text(encoding="utf-8"))
    forged = {"document": "en/gone", "key": "x", "inputs": {}, "pages": 1}
    record["entries"]["en/gone"] = {**forged, "files": {"../precious.pdf": 7}}
    record["entries"]["en/gone-too"] = {**forged, "files": {str(precious / "shared" / "precious.pdf"): 7}}
    record["entries"]["en/gone-three"] = {**forged, "files": {"en/escape/x.pdf": 11}}
    (out / RECORD_NAME).write_text(json.dumps(record), encoding="utf-8")

    run = build(content, out=out)
    assert run.code == 0, run.err
    assert (precious / "shared" / "precious.pdf").read_text() == "keep me"
    assert (precious / "elsewhere" / "x.pdf").read_text() == "keep me too"
    assert "warning: ignored record entries naming files outside the output folder" in run.err
    assert "0 removed" in run.out and "\nremoved " not in run.out


def test_a_second_catalogue_into_the_same_folder_is_refused_and_nothing_is_deleted(catalogue, build, tmp_path):
    first = catalogue({"site.yaml": "languages: [en]\n"})
    second = write_tree(tmp_path / "other", {"site.yaml": "languages: [en]\n", "another/en.md": MINIMAL_EN})
    out = tmp_path / "dist"
    assert build(first, out=out).code == 0
    before = digest(out)
    run = build(second, out=out)
    assert run.code == 1 and "Traceback" not in run.err
    assert f"this output folder holds the brochures of another content folder ({first.resolve()}); nothing " \
           "was deleted or overwritten" in run.err
    assert run.err.splitlines()[-1].startswith("failed: 0 rendered") and "1 failed" in run.err.splitlines()[-1]
    assert digest(out) == before, "the first catalogue's brochures are untouched"
    assert build(first, out=out).code == 0, "its own catalogue still builds there"


def test_only_the_builds_own_temporary_files_are_cleaned_up(catalogue, build, tmp_path):
    content = catalogue({"site.yaml": "languages: [en]\n"})
    out = tmp_path / "dist"
    mine = write_tree(out, {"en/.notes.tmp": "a user's file", "en/draft.tmp": "another"})
    leftover = write_tree(out, {"en/.brochures-partial-minimal.pdf.x1y2.tmp": "half a PDF"})
    assert build(content, out=out).code == 0
    assert (mine / "en" / ".notes.tmp").exists() and (mine / "en" / "draft.tmp").exists()
    assert not (leftover / "en" / ".brochures-partial-minimal.pdf.x1y2.tmp").exists()


def test_out_naming_a_file_is_one_line(catalogue, build, tmp_path):
    target = tmp_path / "a-file.pdf"
    target.write_text("not a folder")
    run = build(catalogue({}), out=target)
    assert run.code == 1 and "Traceback" not in run.err
    assert "a-file.pdf: --out names a file, not a folder; give a folder for the brochures" in run.err
    assert target.read_text() == "not a folder"


@pytest.fixture
def small_disk(tmp_path: Path):
    """A mounted tmpfs (root only): made full or read-only by the test; skipped when impossible."""
    mounted: list[Path] = []

    def mount(options: str) -> Path:
        folder = tmp_path / f"disk{len(mounted)}"
        folder.mkdir()
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True)
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
        mounted.append(folder)
        return folder

    yield mount
    for folder in mounted:
        subprocess.run(["umount", str(folder)], capture_output=True)


def test_a_full_output_folder_is_one_line_per_document_and_a_summary(catalogue, build, small_disk):
    disk = small_disk("size=48k")
    images = {f"topic{i}/en.md": MINIMAL_EN.replace("Test topic", f"Topic {i}") for i in range(4)}
    run = build(catalogue({"site.yaml": "languages: [en]\n", **images}), out=disk / "dist")
    assert run.code == 1 and "Traceback" not in run.err
    assert "No space left on device" in run.err, run.err
    assert all(": " in line for line in run.lines), run.err
    summary = run.err.splitlines()[-1]
    assert summary.startswith("failed: ") and " failed;" in summary
    assert not [p for p in (disk / "dist").rglob("*") if p.name.startswith(".brochures-partial-")]


def test_a_read_only_output_folder_is_one_line(catalogue, build, small_disk):
    disk = small_disk("size=1m,ro")
    run = build(catalogue({"site.yaml": "languages: [en]\n"}), out=disk / "dist")
    assert run.code == 1 and "Traceback" not in run.err
    assert "dist: cannot create the output folder: Read-only file system; choose another --out" in run.err
    assert "1 failed" in run.err.splitlines()[-1]
