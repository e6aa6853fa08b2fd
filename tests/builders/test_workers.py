"""Workers that die, overrun or run out of memory fail their own task only; nothing hangs and
nothing is left in the system temporary folder, even when a worker is killed mid-build.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from brochures.builders.workers import Budget, Failure, WorkerPool
from tests.conftest import MINIMAL_EN, ROOT, write_tree

MB = 1024 * 1024


def _address_space() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmSize")


def _work(item: str) -> str:
    if item == "killed":
        os.kill(os.getpid(), signal.SIGKILL)
    if item == "slow":
        time.sleep(600)
    if item == "greedy":
        return str(len(bytearray(2048 * MB)))
    if item == "broken":
        raise KeyError("a bug")
    return item.upper()


def test_a_dead_overrunning_or_greedy_worker_fails_its_task_only(tmp_path, monkeypatch):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    items = ["a", "killed", "b", "slow", "greedy", "broken", "c"]
    memory = _address_space() + 512 * MB  # the worker's own size, plus room for a small task
    pool = WorkerPool(_work)
    work_dir = pool.work_dir
    results = dict(pool.run(items, range(len(items)), 2, lambda item: Budget(2 if item == "slow" else 60, memory),
                            lambda item, what: f"{item}: {what}"))
    again = dict(pool.run(["d"], [0], 2, lambda item: Budget(60, memory), lambda item, what: what))
    pool.close()
    assert results == {
        0: "A", 2: "B", 6: "C",
        1: Failure("killed: signal:SIGKILL"),
        3: Failure("slow: time"),
        4: Failure("greedy: memory"),
        5: Failure("broken: bug:KeyError: 'a bug'"),
    }
    assert again == {0: "D"}, "the surviving workers take the next run"
    assert not work_dir.exists() and list(tmp_path.iterdir()) == [], "the work folder is removed"


_warmed = "cold"


def _warm_up() -> None:
    global _warmed
    _warmed = f"warmed in {os.getpid()}"


def _where(item: str) -> str:
    return f"{item} {_warmed}, ran in {os.getpid()}"


def test_a_head_start_worker_warms_up_before_its_first_task():
    pool = WorkerPool(_where)
    pool.start_worker(_warm_up)
    pid = pool.workers[0].process.pid
    results = dict(pool.run(["a"], [0], 1, lambda item: Budget(60, 1 << 40), lambda item, what: what,
                            before_fork=lambda: pytest.fail("a warm worker was there: nothing to fork")))
    pool.close()
    assert results == {0: f"a warmed in {pid}, ran in {pid}"}
    assert _warmed == "cold", "the warm-up ran in the worker, not here"


def test_a_head_start_never_used_is_killed_not_waited_for(tmp_path):
    pool = WorkerPool(_where)
    pool.start_worker(lambda: time.sleep(600))  # still warming up when the build found nothing to do
    process = pool.workers[0].process
    pool.close()
    assert process.exitcode == -signal.SIGKILL
    assert not pool.work_dir.exists()


def _workers(pid: int) -> list[int]:
    """Forked workers of `pid` (same command line), not the short-lived helpers libraries run."""
    found = []
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                if Path(f"/proc/{child}/cmdline").read_bytes() == command:
                    found.append(int(child))
    except OSError:
        pass
    return found


def test_a_worker_killed_mid_build_is_reported_and_the_build_ends_with_a_summary(tmp_path):
    """SIGKILL a worker of a real build: its document fails, the next renders, no temp leftovers."""
    slow = ("{% if doc.topics[0].topic_id == 'slow' %}{% for i in range(100000) %}{% for j in range(100000) %}"
            "{% endfor %}{% endfor %}{% endif %}")
    content = write_tree(tmp_path / "content", {
        "site.yaml": "languages: [en]\n",
        "slow/en.md": MINIMAL_EN + "\nA longer body, so that this document starts first.\n",
        "quick/en.md": MINIMAL_EN,
        "templates/partials/review.html.j2": slow,
    })
    system_temp = tmp_path / "tmp"
    system_temp.mkdir()
    env = {**os.environ, "TMPDIR": str(system_temp)}
    build = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "--content", str(content), "--out",
                              str(tmp_path / "dist"), "--jobs", "1"], env=env, cwd=tmp_path,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline, workers = time.monotonic() + 90, set()
        while not workers and time.monotonic() < deadline:  # a worker, busy for a second already
            seen = set(_workers(build.pid))
            time.sleep(3.0)  # past the head-start worker's warm-up: it holds the first document
            workers = seen & set(_workers(build.pid))
        assert workers, "a worker started"
        os.kill(workers.pop(), signal.SIGKILL)
        out, err = build.communicate(timeout=120)
    finally:
        build.kill()
    assert build.returncode == 1, err
    assert "Traceback" not in err
    assert "en/slow not built: the process rendering it was killed (out of memory? limit 3072 MB; raise " \
           "'limits: render_memory_mb' in site.yaml if it is needed); the build went on" in err
    assert (tmp_path / "dist" / "en" / "quick.pdf").exists(), "a fresh worker built the next document"
    assert err.splitlines()[-1].startswith("failed: 1 rendered, 0 unchanged, 0 removed, 1 failed")
    assert list(system_temp.iterdir()) == [], "no weasyprint-* font folder, no work folder left"
