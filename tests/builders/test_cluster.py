"""Rendering on a Dask cluster: same bytes as a local build, no shared files, no hang when a worker dies,
and the limits of a local build on each document.

One LocalCluster (two single-threaded worker processes) serves the module; the test of limits
starts its own, to look at its workers' temporary folder once they are gone.
"""

from __future__ import annotations

import os
import shutil
import signal
import threading
import time
from pathlib import Path

import distributed  # a dependency: when it is missing these tests fail, never skip
import pytest

from brochures.builders.pipeline import BuildResult, build
from brochures.builders.plan import Options
from tests.builders.test_watch import Watcher
from tests.builders.test_workers import _workers
from tests.conftest import BRANDED, MINIMAL_EN, write_tree

DASHBOARD = "127.0.0.1:0"  # any free port: 8787 may be another cluster's (the benchmarks')
EXTRA = "---\ntitle: Topic {n}\nrelated: [hand-care]\n---\n## Section\n\nPlain words for patients, topic {n}.\n"
# A template that loops for as long as it is let in one topic's document, and eats memory in another's.
HOSTILE = ("{% if doc.topics[0].topic_id == 'slow' %}{% for i in range(100000) %}{% for j in range(100000) %}"
           "{% endfor %}{% endfor %}{% elif doc.topics[0].topic_id == 'greedy' %}{% set ns = namespace(s='x') %}"
           "{% for i in range(60) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}{% endif %}")
EVERYTHING = {f"{lang}/{name}" for lang in ("en", "fr") for name in ("hand-care", "t1", "t2", "t3", "t4")}


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=DASHBOARD,
                                  silence_logs=50) as local:
        yield local


@pytest.fixture
def content(tmp_path) -> Path:
    """The branded sample (logo, photo, decorative image) and four more topics."""
    folder = tmp_path / "content"
    shutil.copytree(BRANDED, folder)
    return write_tree(folder, {f"t{n}/{lang}.md": EXTRA.format(n=n) for n in range(1, 5) for lang in ("en", "fr")})


def files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.suffix in (".pdf", ".html")}


def build_in_time(options: Options, scheduler: str, seconds: float, progress=None) -> BuildResult:
    """The build's result; fails the test, rather than waiting forever, if the build hangs."""
    outcome: dict[str, BuildResult] = {}
    runner = threading.Thread(target=lambda: outcome.update(result=build(options, scheduler=scheduler,
                                                                         progress=progress)), daemon=True)
    runner.start()
    runner.join(timeout=seconds)
    assert not runner.is_alive(), f"the build hung (still running after {seconds} s)"
    return outcome["result"]


def test_cluster_build_is_byte_identical_and_needs_no_shared_folder(cluster, content, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    # web=False: the web edition is written by the client after rendering, from the content folder
    local = build(Options(content_dir=content, out_dir=tmp_path / "local", write_html=True, web=False), jobs=1)
    assert local.ok and set(local.rendered) == EVERYTHING, [str(p) for p in local.problems]

    hidden = tmp_path / "elsewhere"
    after: list[str] = []

    def progress(event: str, name: str, detail: str) -> None:
        if event in ("rendered", "failed"):
            if not hidden.exists():  # every task is on its way: take the content folder away
                content.rename(hidden)
            else:
                after.append(name)

    remote = build(Options(content_dir=content, out_dir=tmp_path / "remote", write_html=True, web=False),
                   scheduler=cluster.scheduler_address, progress=progress)
    assert remote.ok and set(remote.rendered) == EVERYTHING, [str(p) for p in remote.problems]
    assert len(after) == len(EVERYTHING) - 1, "rendered by workers that could not see the content folder"
    ours, theirs = files(tmp_path / "local"), files(tmp_path / "remote")
    assert len(ours) == 20 and ours == theirs
    assert not content.exists()


def test_a_worker_killed_mid_build_does_not_hang_the_client(cluster, content, tmp_path):
    with distributed.Client(cluster.scheduler_address, set_as_default=False) as client:
        pids = list(client.run(os.getpid).values())
    killed: list[int] = []
    render_processes: list[int] = []

    def progress(event: str, name: str, detail: str) -> None:
        if event in ("rendered", "failed") and not killed:
            killed.append(pids[0])
            render_processes.extend(_workers(pids[0]))
            os.kill(pids[0], signal.SIGKILL)

    result = build_in_time(Options(content_dir=content, out_dir=tmp_path / "out"), cluster.scheduler_address,
                           240, progress)
    assert killed
    assert set(result.rendered) | set(result.failed) == EVERYTHING
    assert all("worker" in reason for reason in result.failed.values()), result.failed
    assert len(result.rendered) >= len(EVERYTHING) - 1  # Dask ran the lost task again elsewhere
    for name in result.rendered:
        assert (tmp_path / "out" / f"{name}.pdf").stat().st_size > 0
    assert render_processes, "the Dask worker rendered in processes of its own"
    deadline = time.monotonic() + 10
    while any(map(running, render_processes)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(map(running, render_processes)), "its render processes died with the Dask worker"


def running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_documents_over_their_limits_fail_alone_and_the_dask_worker_renders_the_next(tmp_path, monkeypatch):
    content = write_tree(tmp_path / "content", {
        "site.yaml": "languages: [en]\nlimits: {render_seconds: 6, render_memory_mb: 1536}\n",
        "slow/en.md": MINIMAL_EN + "\nA longer body, so that this document starts first.\n",
        "greedy/en.md": MINIMAL_EN + "\nA longer body too.\n",
        **{f"quick{n}/en.md": MINIMAL_EN for n in range(1, 4)},
        "templates/partials/review.html.j2": HOSTILE,
    })
    worker_temp = tmp_path / "tmp"
    worker_temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(worker_temp))  # the temporary folder of the worker processes
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=DASHBOARD,
                                  silence_logs=50) as one:
        with distributed.Client(one.scheduler_address, set_as_default=False) as client:
            before = list(client.run(os.getpid).values())
            result = build_in_time(Options(content_dir=content, out_dir=tmp_path / "out", web=False),
                                   one.scheduler_address, 90)
            after = list(client.run(os.getpid).values())
    assert result.failed == {
        "en/slow": "en/slow not built: rendering took too long (limit 6 seconds; raise 'limits: render_seconds' "
                   "in site.yaml if it is needed)",
        "en/greedy": "en/greedy not built: rendering needed too much memory (limit 1536 MB; raise "
                     "'limits: render_memory_mb' in site.yaml if it is needed)"}
    assert sorted(str(p) for p in result.problems if p.severity == "error") == [
        f"{content / name / 'en.md'}: {result.failed[f'en/{name}']}" for name in ("greedy", "slow")]
    assert set(result.rendered) == {"en/quick1", "en/quick2", "en/quick3"}
    assert before == after, "the same Dask worker rendered the documents after those over their limits"
    for name in result.rendered:
        assert (tmp_path / "out" / f"{name}.pdf").stat().st_size > 0
    assert not list((tmp_path / "out").rglob("slow.pdf")) and not list((tmp_path / "out").rglob("greedy.pdf"))
    left = [p.relative_to(worker_temp) for p in worker_temp.rglob("*")]
    assert left == [], "nothing left in the workers' temporary folder"


class Finished(distributed.diagnostics.plugin.SchedulerPlugin):
    """The keys of the tasks the scheduler saw finish."""

    def __init__(self) -> None:
        self.keys: list[str] = []

    def transition(self, key: str, start: str, finish: str, *args: object, **kwargs: object) -> None:
        if finish == "memory":
            self.keys.append(str(key))


def test_watch_renders_on_the_scheduler_it_is_given(cluster, tmp_path):
    content = write_tree(tmp_path / "content", {"site.yaml": "languages: [en]\n", "topic/en.md": MINIMAL_EN})
    finished = Finished()
    cluster.scheduler.add_plugin(finished, name="finished")
    watcher = Watcher(content, tmp_path / "dist", "--scheduler", cluster.scheduler_address)
    try:
        watcher.wait_for("built 1 brochure(s), 0 error(s)")
    finally:
        code, rest = watcher.stop()
        cluster.scheduler.remove_plugin(name="finished")
    assert code == 0, rest
    assert len([key for key in finished.keys if key.startswith("brochure-")]) == 1, finished.keys
    assert (tmp_path / "dist" / "en" / "topic.pdf").stat().st_size > 0
