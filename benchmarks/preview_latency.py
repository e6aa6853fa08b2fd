#!/usr/bin/env python3
"""How soon a save shows in the preview: `serve` on a copy of the sample catalogue, edits appended
to one topic, everything timed over HTTP as a browser sees it.

For each save (one at a time, the previous rebuild finished), two open "pages" listen to the
preview's reload events, as the browser's open pages do: the topic's web page and its PDF
preview. Measured from the moment the file is written:

- web page: its reload event arrived and the page then fetched holds the edit;
- PDF preview: its reload event arrived (the PDF is written; its page images follow it).

Prints the median and the range of `--saves` saves. Usage:

    .venv/bin/python benchmarks/preview_latency.py [--saves 10] [--topic immunotherapy] [--jobs 2]
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import queue
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "content"
TIMEOUT = 60


class Serve:
    """`build.py serve` in a subprocess; its output lines in a queue."""

    def __init__(self, content: Path, out: Path, jobs: int) -> None:
        self.process = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--content", str(content),
                                         "--out", str(out), "--port", "0", "-j", str(jobs)],
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                        cwd=content.parent)
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.port = int(re.search(r"http://127\.0\.0\.1:(\d+)/", self.wait_for("serving ")).group(1))

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, fragment: str) -> str:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.1)
            except queue.Empty:
                continue
            if fragment in line:
                return line
        raise SystemExit(f"serve never printed {fragment!r}")

    def get(self, path: str) -> bytes:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
        connection.request("GET", path)
        return connection.getresponse().read()

    def listen(self, watch: str, since: int, heard: queue.Queue[float]) -> None:
        """Put the time of each reload event for `watch` (after change `since`) into `heard`."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
        connection.request("GET", f"/_preview/events?watch={watch}&since={since}")
        response = connection.getresponse()
        for line in response:
            if line.startswith(b"event: reload"):
                heard.put(time.perf_counter())
                return

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=TIMEOUT)


def since(page: bytes) -> int:
    return int(re.search(rb'data-since="(\d+)"', page).group(1))


def one_save(server: Serve, source: Path, topic: str, n: int) -> tuple[float, float]:
    web_path, pdf_rel = f"/en/{topic}/index.html", f"en/{topic}.pdf"
    web_heard: queue.Queue[float] = queue.Queue()
    pdf_heard: queue.Queue[float] = queue.Queue()
    page_since = since(server.get(web_path))
    doc_since = since(server.get(f"/_preview/doc?pdf={pdf_rel}"))
    marker = f"Edit number {n} of this benchmark"
    listeners = [threading.Thread(target=server.listen, args=(web_path.lstrip("/"), page_since, web_heard)),
                 threading.Thread(target=server.listen, args=(pdf_rel, doc_since, pdf_heard))]
    for listener in listeners:
        listener.start()
    time.sleep(0.2)  # both streams open
    with source.open("a", encoding="utf-8") as file:
        file.write(f"\n{marker}.\n")
    saved = time.perf_counter()
    web_shown = None
    while web_shown is None:
        heard = web_heard.get(timeout=TIMEOUT)
        if marker.encode() in server.get(web_path):
            web_shown = time.perf_counter()
        else:  # a reload for something else: listen again
            threading.Thread(target=server.listen, args=(web_path.lstrip("/"), since(server.get(web_path)),
                                                         web_heard)).start()
        del heard
    pdf_event = pdf_heard.get(timeout=TIMEOUT)
    server.wait_for("rebuilt")  # the whole rebuild is over before the next save
    for listener in listeners:
        listener.join(timeout=TIMEOUT)
    return web_shown - saved, pdf_event - saved


def machine() -> str:
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        found = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        model = found.group(1).strip() if found else ""
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores {model}, load average {load}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=10)
    parser.add_argument("--topic", default="immunotherapy")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="preview-latency-") as tmp:
        content = Path(tmp) / "content"
        shutil.copytree(SAMPLE, content)
        server = Serve(content, Path(tmp) / "dist", args.jobs)
        try:
            server.wait_for("brochure(s)")  # the first build, then warm workers
            source = content / args.topic / "en.md"
            figures = [one_save(server, source, args.topic, n) for n in range(args.saves)]
        finally:
            server.stop()
    web = [w for w, _ in figures]
    pdf = [p for _, p in figures]
    print(f"{time.strftime('%Y-%m-%d')}, {machine()}")
    print(f"{args.saves} saves appended to content/{args.topic}/en.md, serve -j {args.jobs}")
    for name, values in (("save → web page shows the edit", web), ("save → PDF preview's reload event", pdf)):
        print(f"{name}: median {statistics.median(values):.2f} s (min {min(values):.2f}, max {max(values):.2f})")


if __name__ == "__main__":
    main()
