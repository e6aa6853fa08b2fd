"""A long-running `build.py` command (watch, serve) in a subprocess, its output read line by line."""

from __future__ import annotations

import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from tests.conftest import ROOT


class Running:
    """Start `build.py ARGS` in `cwd`; wait for lines it prints; stop it with a signal."""

    def __init__(self, args: list[str], cwd: Path, timeout: float, env: dict[str, str] | None = None) -> None:
        self.timeout = timeout
        self.process = subprocess.Popen([sys.executable, str(ROOT / "build.py"), *args], cwd=cwd,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, fragment: str) -> list[str]:
        """Lines up to the first containing `fragment`, which must come within the timeout."""
        got: list[str] = []
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.1)
            except queue.Empty:
                continue
            got.append(line)
            self.seen.append(line)
            if fragment in line:
                return got
        raise AssertionError(f"no line with {fragment!r} within {self.timeout} s; output:\n" + "\n".join(self.seen))

    def stop(self, signum: int = signal.SIGINT) -> tuple[int, list[str]]:
        """Ctrl-C (or another signal), then the exit status and the lines not read yet."""
        self.process.send_signal(signum)
        try:
            code = self.process.wait(timeout=self.timeout)
        finally:
            if self.process.poll() is None:
                self.process.kill()
        self.reader.join(timeout=self.timeout)  # the pipe is at its end
        rest = []
        while not self.lines.empty():
            rest.append(self.lines.get())
        return code, rest
