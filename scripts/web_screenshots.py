#!/usr/bin/env python3
"""Screenshots for the README: the preview's dashboard and an English and a French topic page,
from a real build of the sample catalogue, in headless Chromium (`make screenshots`)."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser import start_chromium  # noqa: E402

DOCS = ROOT / "docs"
SHOTS = [  # (file, path on the preview server, window width, height)
    ("web-dashboard.png", "/", 1400, 900),
    ("web-preview.png", "/_preview/doc?pdf=en/immunotherapy.pdf", 1400, 900),
    ("web-topic-en.png", "/en/immunotherapy/index.html", 900, 1300),
    ("web-topic-fr.png", "/fr/radiation-therapy/index.html", 420, 900),  # as on a phone
]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        server = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--content", str(ROOT / "content"),
                                   "--out", str(Path(tmp) / "dist"), "--port", "0", "-q"],
                                  stdout=subprocess.PIPE, text=True, cwd=ROOT)
        try:
            port = None
            for line in server.stdout:
                found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
                port = port or (found and found.group(1))
                if "watching" in line:
                    break
            driver = start_chromium(Path(tmp) / "profile")
            try:
                for name, path, width, height in SHOTS:
                    driver.set_window_size(width, height)
                    for _ in range(300):  # the first build, then the dashboard
                        driver.get(f"http://127.0.0.1:{port}{path}")
                        if "Building…" not in driver.page_source and "not found" not in driver.page_source:
                            break
                        time.sleep(0.2)
                    driver.execute_async_script("document.fonts.ready.then(arguments[arguments.length - 1])")
                    driver.save_screenshot(str(DOCS / name))
                    print(f"wrote docs/{name}")
            finally:
                driver.quit()
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
