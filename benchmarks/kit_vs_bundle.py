"""A patient's kit of the three sample topics against the same topics built as a bundle, whole
processes, as a nurse at the desk waits for them.

    .venv/bin/python benchmarks/kit_vs_bundle.py [--rounds 9]

"bundle" is `brochures --bundle starting-immunotherapy --lang en --force --no-web` (a sample
bundle of three topics), "kit" is `brochures kit --bundle starting-immunotherapy` (the same three
topics) in English with every field of the cover letter, and "kit, locked" the same with a
password (AES-256). Every
command runs as a new process, in rounds: each round runs the three once, in a shuffled order.
Each ratio is the median of the rounds' own ratios (both sides measured within seconds of each
other), with the ratio of the fastest runs beside it; the target is a kit in at most 1.2 times
the bundle's time.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from whole_process import timed

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = "starting-immunotherapy"  # three topics of the sample catalogue
LETTER = ["--patient-name", "Jeanne Roy", "--appointment", "2026-03-14 09:30", "--place", "Pavilion B, room 204",
          "--direct-line", "514-555-0199", "--note", "Bring the list of your medicines.\nDo not eat after midnight."]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    py = sys.executable
    subprocess.run([py, "-m", "compileall", "-q", str(ROOT / "brochures")], check=True)
    work = Path(tempfile.mkdtemp(prefix="brochures-bench-kit-"))
    content = work / "content"
    shutil.copytree(ROOT / "content", content)
    build = [py, "build.py", "--content", str(content)]
    kit = [py, "build.py", "kit", "--content", str(content), "--bundle", BUNDLE, "--lang", "en", *LETTER]
    commands = {
        "bundle": (build + ["--bundle", BUNDLE, "--lang", "en", "--out", str(work / "out"),
                            "--force", "--no-web", "-q"], None),
        "kit": (kit + ["--output", str(work / "kit.pdf")], None),
        "kit, locked": (kit + ["--password-file", "-", "--output", str(work / "locked.pdf")], "a password\n"),
    }
    for command, stdin in commands.values():  # warm the per-user cache and the page cache, as at a desk
        timed(command, stdin, check=True)
    wall: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.rounds):
        for name in random.sample(list(commands), len(commands)):
            seconds, used = timed(*commands[name], check=True)
            wall[name].append(seconds)
            cpu[name].append(used)
    print(f"{args.rounds} rounds, seconds per whole process: median (min–max) wall; median CPU")
    for name in commands:
        print(f"  {name:12s} {statistics.median(wall[name]):5.2f} s ({min(wall[name]):.2f}–{max(wall[name]):.2f}); "
              f"CPU {statistics.median(cpu[name]):5.2f} s")
    print("against the bundle: median of the rounds' own ratios (wall; CPU), and fastest against fastest (wall):")
    for name in ("kit", "kit, locked"):
        ratio = statistics.median(a / b for a, b in zip(wall[name], wall["bundle"]))
        used = statistics.median(a / b for a, b in zip(cpu[name], cpu["bundle"]))
        print(f"  {name:12s} {ratio:.2f}×; {used:.2f}×; fastest {min(wall[name]) / min(wall['bundle']):.2f}× "
              f"(target ≤ 1.20×)")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
