"""The preview forks render workers from its threads: nothing may be mid-import in another thread then.

A process forked while another thread imports a module inherits that module's lock, held by a thread
it does not have, and hangs when it imports the module itself. `serve` therefore imports, before its
threads start, everything rendering imports on first use; this checks that a brochure, its web page,
a patient kit and the dashboard's figures then import nothing more, in a fresh process.
"""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT, SAMPLE_CONTENT

PROBE = """
import datetime
import sys
from pathlib import Path

from brochures.builders.head_start import import_before_threads

import_before_threads()
from brochures.builders.kit import kit_task, render_kit
from brochures.builders.pipeline import BuildResult
from brochures.builders.plan import Options, plan, variant_for
from brochures.builders.tasks import Task, run_task
from brochures.builders.web_pages import TopicPage, make_topic_page
from brochures.content.bundles import load_bundles
from brochures.content.catalogue import load_catalogue
from brochures.content.kit import KitForm
from brochures.preview.dashboard import snapshot

before = set(sys.modules)
content, out = Path(sys.argv[1]), Path(sys.argv[2])
options = Options(content_dir=content, out_dir=out, topics=("surgery",), langs=("fr",))
catalogue = load_catalogue(content)
bundles = load_bundles(catalogue)
job = plan(catalogue, bundles, options, []).jobs[0]
assert run_task(Task(catalogue, job, variant_for(options, catalogue), options)).outputs
assert make_topic_page(TopicPage(catalogue, job, (), ()))[0]
form = KitForm(topics=("immunotherapy",), lang="fr", patient_name="Test", appointment="2026-03-14 09:30")
assert render_kit(kit_task(catalogue, bundles, form)).files
snapshot(content, out, BuildResult(), datetime.date(2026, 12, 5))
print(sorted(set(sys.modules) - before))
"""


def test_rendering_imports_nothing_after_the_warm_up(tmp_path):
    done = subprocess.run([sys.executable, "-c", PROBE, str(SAMPLE_CONTENT), str(tmp_path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"
