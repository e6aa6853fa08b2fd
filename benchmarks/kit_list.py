"""Kits for a list of 20 patients, each a 3-topic kit, against one such kit made on its own: the
cost per kit, whole processes, as a clinic runs them.

    .venv/bin/python benchmarks/kit_list.py [--rounds 3] [--patients 20]

"single" is `brochures kit --bundle starting-immunotherapy` (the three topics of a sample bundle)
with every field of the cover letter and a password; "list" is `brochures kit --patients` of
made-up patients (the same bundle, every column filled, half of them in French, each with its own
password) with `--jobs 2`; "list, dry run" the same with `--dry-run`, which also writes each
patient's message (`.eml`, the kit attached) as `--send` would send it. Each round runs the three
once, in a shuffled order, so that the machine's load falls on all alike; each ratio is the median
of the rounds' own ratios (per-kit time of the list over the single kit's time).
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from kit_vs_bundle import BUNDLE, LETTER, ROOT, timed  # noqa: E402  (a script beside this one)

MAIL = "mail:\n  host: smtp.example.org\n  from: care-team@example.org\n"


def patient_list(path: Path, count: int) -> None:
    rows = ["id,name,lang,bundle,appointment,place,note,email,password"]
    for number in range(1, count + 1):
        lang = "fr" if number % 2 else "en"
        rows.append(f"p-{number:04d},Patient{number} Example,{lang},{BUNDLE},2026-03-{number % 28 + 1:02d} 09:30,"
                    f"\"Pavilion B, room {200 + number}\",Bring the list of your medicines.,"
                    f"patient{number}@example.org,password-{number}-example")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--patients", type=int, default=20)
    args = parser.parse_args()
    py = sys.executable
    work = Path(tempfile.mkdtemp(prefix="brochures-bench-list-"))
    content = work / "content"
    shutil.copytree(ROOT / "content", content)
    with open(content / "site.yaml", "a", encoding="utf-8") as site:
        site.write(MAIL)  # for the dry run's messages; nothing is sent
    patient_list(work / "patients.csv", args.patients)
    kit = [py, "build.py", "kit", "--content", str(content)]
    many = kit + ["--patients", str(work / "patients.csv"), "--jobs", "2", "-q"]
    commands = {
        "single": (kit + ["--bundle", BUNDLE, "--lang", "en", *LETTER, "--password-file", "-",
                          "--output", str(work / "single.pdf")], "a password\n"),
        "list": (many + ["--output-dir", str(work / "list")], None),
        "list, dry run": (many + ["--output-dir", str(work / "dry"), "--dry-run"], None),
    }
    for command, stdin in commands.values():  # warm the per-user cache and the page cache
        timed(command, stdin)
    wall: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.rounds):
        for name in random.sample(list(commands), len(commands)):
            seconds, used = timed(*commands[name])
            wall[name].append(seconds)
            cpu[name].append(used)
    print(f"{args.rounds} rounds; {args.patients} patients; seconds per whole process: median (min–max) wall; "
          "median CPU")
    for name in commands:
        print(f"  {name:14s} {statistics.median(wall[name]):6.2f} s ({min(wall[name]):.2f}–{max(wall[name]):.2f}); "
              f"CPU {statistics.median(cpu[name]):6.2f} s")
    print("per kit of the list, against the single kit: median of the rounds' own ratios (wall; CPU)")
    for name in ("list", "list, dry run"):
        per_kit = [w / args.patients for w in wall[name]]
        ratio = statistics.median(a / b for a, b in zip(per_kit, wall["single"]))
        used = statistics.median(a / args.patients / b for a, b in zip(cpu[name], cpu["single"]))
        print(f"  {name:14s} {statistics.median(per_kit):.2f} s per kit: {ratio:.2f}×; CPU {used:.2f}×")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
