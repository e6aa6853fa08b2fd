"""A build that will render starts its first worker before planning; one that will not, starts none."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from brochures.builders.head_start import will_render
from brochures.builders.plan import Options
from tests.conftest import BRANDED, MINIMAL_EN, ROOT, write_tree

PROBE = """
import json, multiprocessing, sys
from brochures.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "weasyprint": "weasyprint" in sys.modules,
                  "workers": len(multiprocessing.active_children())}))
"""


def probe(*args: str) -> dict:
    done = subprocess.run([sys.executable, "-c", PROBE, *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_first_document_renders_in_the_head_start_worker(tmp_path):
    """With one job, the worker started before planning renders everything: this process never
    imports WeasyPrint (without the head start, it imports it before forking a worker)."""
    out = tmp_path / "dist"
    assert probe("--content", str(BRANDED), "--out", str(out), "-j", "1", "--lang", "en") == {
        "code": 0, "weasyprint": False, "workers": 1}
    assert sorted(p.name for p in (out / "en").glob("*.pdf")) == ["hand-care.pdf"]
    assert probe("--content", str(BRANDED), "--out", str(out), "-j", "1", "--lang", "en") == {
        "code": 0, "weasyprint": False, "workers": 0}, "nothing to do: no worker started"


def _touch_later(path: Path, than: Path) -> None:
    later = os.stat(than).st_mtime_ns + 1_000_000_000
    os.utime(path, ns=(later, later))


def test_the_guess_follows_the_record_and_later_edits(tmp_path):
    content = write_tree(tmp_path / "content", {"site.yaml": "languages: [en]\n", "alpha/en.md": MINIMAL_EN})
    out = tmp_path / "dist"
    options = Options(content_dir=content, out_dir=out)
    assert will_render(options), "no output folder yet"
    out.mkdir()
    record = out / ".build-record.json"
    record.write_text("{}")
    _touch_later(record, content / "alpha" / "en.md")
    assert not will_render(options), "nothing changed since the record"
    _touch_later(content / "alpha" / "en.md", record)
    assert will_render(options), "a topic saved after the last build"


def test_the_guess_with_editions_needs_every_editions_record(tmp_path):
    content = write_tree(tmp_path / "content", {"site.yaml": "languages: [en]\n", "alpha/en.md": MINIMAL_EN})
    out = tmp_path / "dist"
    for edition in ("north", "south"):
        (out / edition).mkdir(parents=True)
    (out / "north" / ".build-record.json").write_text("{}")
    _touch_later(out / "north" / ".build-record.json", content / "alpha" / "en.md")
    options = Options(content_dir=content, out_dir=out)
    assert will_render(options), "south was never built"
    (out / "south" / ".build-record.json").write_text("{}")
    _touch_later(out / "south" / ".build-record.json", content / "alpha" / "en.md")
    assert not will_render(options)


def test_the_guess_ignores_the_build_s_own_files_inside_the_content_folder(tmp_path):
    content = write_tree(tmp_path / "content", {"site.yaml": "languages: [en]\n", "alpha/en.md": MINIMAL_EN})
    out = content / "dist"
    (out / "en").mkdir(parents=True)
    record = out / ".build-record.json"
    record.write_text("{}")
    _touch_later(record, content / "alpha" / "en.md")
    (out / "build-report.json").write_text("{}")  # written after the record
    _touch_later(out / "build-report.json", record)
    _touch_later(out, record)  # its folder changed with it
    assert not will_render(Options(content_dir=content, out_dir=out))
