"""Rendering on a Dask cluster: same bytes as a local build, no shared files, no hang when a worker dies.

One LocalCluster (two single-threaded worker processes) serves the whole module.
"""

from __future__ import annotations

import os
import shutil
import signal
import threading
from pathlib import Path

import pytest

from brochures.build.pipeline import build
from brochures.build.plan import Options
from tests.conftest import BRANDED, write_tree

distributed = pytest.importorskip("distributed")

EXTRA = "---\ntitle: Topic {n}\nrelated: [hand-care]\n---\n## Section\n\nPlain words for patients, topic {n}.\n"
EVERYTHING = {f"{lang}/{name}" for lang in ("en", "fr") for name in ("hand-care", "t1", "t2", "t3", "t4")}


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
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

    def progress(event: str, name: str, detail: str) -> None:
        if event in ("rendered", "failed") and not killed:
            killed.append(pids[0])
            os.kill(pids[0], signal.SIGKILL)

    outcome: dict[str, object] = {}
    runner = threading.Thread(target=lambda: outcome.update(result=build(
        Options(content_dir=content, out_dir=tmp_path / "out"), scheduler=cluster.scheduler_address,
        progress=progress)), daemon=True)
    runner.start()
    runner.join(timeout=240)
    assert not runner.is_alive(), "the client hung after a worker died"
    result = outcome["result"]
    assert killed
    assert set(result.rendered) | set(result.failed) == EVERYTHING
    assert all("worker" in reason for reason in result.failed.values()), result.failed
    assert len(result.rendered) >= len(EVERYTHING) - 1  # Dask ran the lost task again elsewhere
    for name in result.rendered:
        assert (tmp_path / "out" / f"{name}.pdf").stat().st_size > 0
