"""Editions on two cores: `--jobs 2` against a local Dask cluster of two single-threaded workers.

    .venv/bin/python benchmarks/editions_cluster.py [--topics 10] [--editions 4] [--rounds 3]

Builds a catalogue of the sample topics copied under new ids (`--topics` topics, English and
French) with `--editions` editions, then times whole `build.py --force` processes, rounds
interleaved, median: locally with `--jobs 2`, and with `--scheduler` on a LocalCluster started
here (processes, 2 workers × 1 thread; the workers stay up between rounds, as a real cluster
does). Also measures Dask's own cost per task (a task that does nothing) and what one of our
tasks weighs once pickled, and prints the scaling note for the 48 000-PDF network.
"""

from __future__ import annotations

import argparse
import os
import pickle
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NETWORK = 200 * 2 * 4 * 30  # topics × languages × variants × sites


def catalogue(folder: Path, topics: int, editions: int) -> Path:
    content = folder / "content"
    content.mkdir(parents=True)
    shutil.copy(ROOT / "content" / "site.yaml", content / "site.yaml")
    originals = sorted(p for p in (ROOT / "content").iterdir() if p.is_dir() and any(p.glob("*.md")))
    for n in range(topics):
        source = originals[n % len(originals)]
        shutil.copytree(source, content / (source.name if n < len(originals) else f"{source.name}-{n}"))
    lines = []
    for e in range(editions):
        lines += [f"site-{e:02d}:", f"  organisation: Hospital {e}", f"  phone: 514-555-{1000 + e:04d}"]
    (content / "editions.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return content


def timed(command: list[str], workers_cpu) -> tuple[float, float]:
    """Wall seconds, and CPU seconds of the build process, its children and the Dask workers."""
    before_children, before_workers = _children_cpu(), workers_cpu()
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - started
    return wall, _children_cpu() - before_children + workers_cpu() - before_workers


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _own_cpu() -> float:
    """A Dask worker's CPU seconds, with those of the processes it renders in (they outlive a
    build, so the kernel has not added them to the worker's children yet) and of ended ones."""
    import psutil

    me = psutil.Process()
    times = me.cpu_times()
    total = times.user + times.system + times.children_user + times.children_system
    for child in me.children(recursive=True):
        try:
            child_times = child.cpu_times()
        except psutil.Error:
            continue  # ended meanwhile: counted with the children above from now on
        total += child_times.user + child_times.system
    return total


def nothing(x: int) -> int:
    return x


def main() -> None:
    from distributed import Client, LocalCluster

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--topics", type=int, default=10)
    parser.add_argument("--editions", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="brochures-editions-"))
    content = catalogue(work, args.topics, args.editions)
    documents = args.topics * 2 * args.editions
    env = dict(os.environ, SOURCE_DATE_EPOCH="1790000000")
    py = sys.executable
    subprocess.run([py, "-m", "compileall", "-q", str(ROOT / "brochures")], check=True)  # as installed
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=50) as cluster:
        commands = {
            "--jobs 2": [py, "build.py", "--content", str(content), "--out", str(work / "local"), "--force",
                         "-q", "--jobs", "2"],
            "Dask, 2 workers × 1 thread": [py, "build.py", "--content", str(content), "--out", str(work / "dask"),
                                           "--force", "-q", "--scheduler", cluster.scheduler_address],
        }
        subprocess.run(commands["Dask, 2 workers × 1 thread"], cwd=ROOT, env=env, check=True)  # workers warm up
        observer = Client(cluster.scheduler_address)

        def workers_cpu() -> float:
            return sum(observer.run(_own_cpu).values())

        times: dict[str, list[float]] = {name: [] for name in commands}
        cpu: dict[str, list[float]] = {name: [] for name in commands}
        for round_ in range(args.rounds):
            for name in (list(commands) if round_ % 2 == 0 else reversed(list(commands))):
                wall, used = timed(commands[name], workers_cpu)
                times[name].append(wall)
                cpu[name].append(used)
        observer.close()
        same = all((work / "local" / p.relative_to(work / "dask")).read_bytes() == p.read_bytes()
                   for p in (work / "dask").rglob("*.pdf"))
        with Client(cluster.scheduler_address) as client:
            client.gather(client.map(nothing, range(50), pure=False))  # warm
            started = time.perf_counter()
            client.gather(client.map(nothing, range(1000), pure=False))
            per_task = (time.perf_counter() - started) / 1000
        task_bytes = _task_size(content)
    median = {name: statistics.median(values) for name, values in times.items()}
    print(f"{args.topics} topics × 2 languages × {args.editions} editions = {documents} PDFs, "
          f"{args.rounds} interleaved rounds, median whole process:")
    cpu_median = {name: statistics.median(values) for name, values in cpu.items()}
    for name, seconds in median.items():
        print(f"  {name:28s} {seconds:6.1f} s wall (min {min(times[name]):.1f}, max {max(times[name]):.1f}); "
              f"CPU {cpu_median[name]:.1f} s = {cpu_median[name] / documents:.2f} s per PDF")
    dask, local = "Dask, 2 workers × 1 thread", "--jobs 2"
    print(f"  Dask / --jobs 2: wall {median[dask] / median[local]:.2f}×, CPU {cpu_median[dask] / cpu_median[local]:.2f}×; "
          f"outputs byte-identical: {same}")
    print(f"Dask's own cost per task (a task that does nothing, 1000 of them): {per_task * 1000:.1f} ms")
    print(f"one task pickled (brochure, its topic folder and logo): {task_bytes / 1024:.0f} KB")
    core_seconds = cpu_median["--jobs 2"] / documents
    print(f"scaling: {core_seconds:.2f} CPU-seconds per PDF (--jobs 2 build, all processes); the network's {NETWORK} PDFs "
          f"= {NETWORK * core_seconds / 3600:.1f} core-hours")
    for machines, cores in ((1, 2), (4, 8), (10, 16), (25, 32)):
        hours = NETWORK * core_seconds / (machines * cores) / 3600
        print(f"  {machines:3d} machine(s) × {cores:2d} cores: {hours * 60:7.1f} min of rendering; the scheduler "
              f"alone, at {per_task * 1000:.1f} ms per task, needs {NETWORK * per_task / 60:.1f} min")
    shutil.rmtree(work, ignore_errors=True)


def _task_size(content: Path) -> int:
    """Bytes sent for one brochure: the pickled task and its files."""
    sys.path.insert(0, str(ROOT))
    from brochures.builders.cluster import _Reader, task_snapshot
    from brochures.builders.pipeline import _needed
    from brochures.builders.plan import Options, plan, variant_for
    from brochures.builders.work import Task
    from brochures.content.bundles import load_bundles
    from brochures.content.catalogue import load_catalogue

    catalogue_ = load_catalogue(content)
    options = Options(content_dir=content, out_dir=content / "out")
    job = plan(catalogue_, load_bundles(catalogue_), options, []).jobs[0]
    task = Task(_needed(catalogue_, job), job, variant_for(options, catalogue_), options)
    return len(pickle.dumps(task)) + len(pickle.dumps(task_snapshot(task, _Reader())))


if __name__ == "__main__":
    main()
