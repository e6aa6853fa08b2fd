"""Nothing kept: a kit made with a patient name that appears nowhere else, through the command and
through `serve`, then every folder a run can write to is searched for it (the content folder, the
output folder, the per-user cache, the temporary folder, the home folder): it is only in the file
the user named, and in no line the processes printed."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.conftest import ROOT, SAMPLE_CONTENT
from tests.running import Running

SECRET = "Quenbyxoltrude Vandersnarl"  # two words in no file of the project, nor of the machine
PLACE = "Quenbyxoltrude wing, room 7"  # the place and the note hold one of them each
NOTE = "Vandersnarl: bring the blue folder."
WORDS = SECRET.split()
TIMEOUT = 60


def encodings(secret: str) -> list[bytes]:
    return [secret.encode(e) for e in ("utf-8", "utf-16-le", "utf-16-be")]


def holding(folder: Path) -> list[Path]:
    """Files under `folder` whose name or bytes hold a word of `SECRET`; a PDF's text counts too."""
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()):
        data = path.read_bytes()
        if any(word in str(path) for word in WORDS) or any(e in data for word in WORDS for e in encodings(word)):
            found.append(path)
        elif data.startswith(b"%PDF"):
            done = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True)
            if any(word in done.stdout for word in WORDS):
                found.append(path)
    return found


@pytest.fixture
def machine(tmp_path: Path) -> dict[str, Path]:
    """A content folder, an output folder, and the cache, temporary and home folders a run may use."""
    folders = {name: tmp_path / name for name in ("content", "dist", "cache", "tmp", "home", "kits")}
    shutil.copytree(SAMPLE_CONTENT, folders["content"])
    for name in ("cache", "tmp", "home", "kits"):
        folders[name].mkdir()
    return folders


def environment(machine: dict[str, Path]) -> dict[str, str]:
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(machine["home"]),
            "TMPDIR": str(machine["tmp"]), "BROCHURES_CACHE": str(machine["cache"]),
            "XDG_CACHE_HOME": str(machine["home"] / ".cache"), "SOURCE_DATE_EPOCH": "1795000000"}


def command(machine: dict[str, Path], *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=machine["kits"],
                          env=environment(machine), input=stdin, capture_output=True, text=True, timeout=TIMEOUT)


def searched(machine: dict[str, Path]) -> list[Path]:
    return [path for name in ("content", "dist", "cache", "tmp", "home") for path in holding(machine[name])]


def test_the_command_keeps_the_patient_nowhere_but_in_the_named_file(machine):
    # one topic is enough to fill the output folder and the cache the search goes through
    built = command(machine, "--content", str(machine["content"]), "--out", str(machine["dist"]), "-q",
                    "immunotherapy")
    assert built.returncode == 0, built.stderr
    personal = ["--patient-name", SECRET, "--place", PLACE, "--note", NOTE, "--appointment", "2026-03-14 09:30"]
    kits = machine["kits"]
    runs = [
        command(machine, "kit", "--content", str(machine["content"]), "immunotherapy", "chemotherapy",
                "radiation-therapy", *personal, "--output", str(kits / "kit.pdf")),
        command(machine, "kit", "--content", str(machine["content"]), "--bundle", "starting-immunotherapy",
                "--lang", "fr", *personal, "--password-file", "-", "--output", str(kits / "locked.pdf"),
                stdin="a password\n"),
        # refused: its line must not repeat the name either
        command(machine, "kit", "--content", str(machine["content"]), "immunotherap", *personal,
                "--output", str(kits / "refused.pdf")),
    ]
    assert [run.returncode for run in runs] == [0, 0, 2], [run.stderr for run in runs]
    assert not any(word in run.stdout + run.stderr for run in runs for word in WORDS)
    assert holding(kits) == [kits / "kit.pdf"], "in clear only in the unlocked file the user named"
    assert SECRET in subprocess.run(["pdftotext", "-upw", "a password", str(kits / "locked.pdf"), "-"],
                                    capture_output=True, text=True, check=True).stdout
    assert searched(machine) == []
    assert any(machine["cache"].rglob("templates-*/*")), "the compiled templates are cached: the search means something"
    assert list(machine["tmp"].iterdir()) == [], "the render workers' temporary folder is gone"


def test_serve_keeps_the_patient_nowhere_and_logs_nothing(machine):
    args = ["serve", "--content", str(machine["content"]), "--out", str(machine["dist"]), "--port", "0", "-j", "1",
            "immunotherapy"]
    server = Running(args, machine["kits"], TIMEOUT, environment(machine))
    try:
        port = int(re.search(r"http://127\.0\.0\.1:(\d+)/", server.wait_for("serving ")[-1]).group(1))
        server.wait_for("brochure(s)")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        connection.request("GET", "/_preview/kit")
        page = connection.getresponse().read().decode()
        token = re.search(r'name="token" value="([^"]+)"', page).group(1)
        fields = {"token": token, "topic": "immunotherapy", "lang": "fr", "patient_name": SECRET, "place": PLACE,
                  "note": NOTE, "appointment": "2026-03-14T09:30"}
        headers = {"Origin": f"http://127.0.0.1:{port}", "Content-Type": "application/x-www-form-urlencoded"}
        connection.request("POST", "/_preview/kit", urlencode(fields), headers)
        response = connection.getresponse()
        pdf = response.read()
        assert response.status == 200 and pdf.startswith(b"%PDF-")
        assert response.getheader("Cache-Control") == "no-store"
        assert "attachment" in response.getheader("Content-Disposition") and WORDS[0] not in str(
            response.getheaders())
        (machine["kits"] / "downloaded.pdf").write_bytes(pdf)  # what the browser saves where the user says
        connection.request("POST", "/_preview/kit", urlencode({**fields, "appointment": "soon"}), headers)
        refused = connection.getresponse()
        assert refused.status == 400 and b"write a real date" in refused.read()
    finally:
        code, rest = server.stop(signal.SIGTERM)
    assert code == 0
    assert not any(word in line for line in server.seen + rest for word in WORDS), "nothing logged"
    assert holding(machine["kits"]) == [machine["kits"] / "downloaded.pdf"]
    assert searched(machine) == []
    assert list(machine["tmp"].iterdir()) == []
