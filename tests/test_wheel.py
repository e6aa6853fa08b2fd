"""The wheel carries everything: installed outside the checkout, the command starts, builds and
checks a new content folder without reading a single file of the checkout.

The wheel is built from a copy of the checkout (as `python -m build` does: an sdist, then the
wheel from it), the copy is deleted, and the wheel is installed into a new virtual environment
that borrows the project environment's dependencies (no network at test time). An audit hook in
that environment notes every file that Python opens or lists under the checkout.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from brochures import __version__
from tests.conftest import ROOT

TIMEOUT = 300
# Imported by a .pth file in the new environment: every process started there (render workers
# too) writes the checkout paths it opens or lists to $BROCHURES_READ_LOG, except those of the
# borrowed dependencies ($BROCHURES_DEPENDENCIES, the project environment, inside the checkout).
GUARD = """\
import os, sys
_root, _log = os.environ.get("BROCHURES_CHECKOUT"), os.environ.get("BROCHURES_READ_LOG")
_borrowed = os.environ.get("BROCHURES_DEPENDENCIES", "\\0")
if _root and _log:
    def _hook(event, args):
        if event in ("open", "os.listdir", "os.scandir", "os.chdir", "glob.glob") and args:
            path = args[0]
            if isinstance(path, (str, bytes, os.PathLike)):
                path = os.path.realpath(os.fsdecode(path))
                if (path == _root or path.startswith(_root + os.sep)) and not path.startswith(_borrowed + os.sep):
                    with open(_log, "a", encoding="utf-8") as log:
                        log.write(event + " " + path + "\\n")
    sys.addaudithook(_hook)
"""


# Made by `make`, the tests and the tools: never part of a source tree (used when there is no git).
NOT_SOURCE = {".git", ".venv", "dist", "wheelhouse", "node_modules", "__pycache__", ".pytest_cache"}


def source_files() -> list[str]:
    """The checkout's files that a clean clone would hold (tracked, and new ones not ignored)."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True,
                            text=True)
    if listed.returncode == 0:
        return [name for name in listed.stdout.splitlines() if (ROOT / name).is_file()]
    return [str(path.relative_to(ROOT)) for path in sorted(ROOT.rglob("*")) if path.is_file()
            and not NOT_SOURCE & set(path.relative_to(ROOT).parts)
            and not any(part.endswith(".egg-info") for part in path.relative_to(ROOT).parts)]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """sdist and wheel built from a copy of the checkout; the copy is gone afterwards."""
    root = tmp_path_factory.mktemp("wheel")
    source, out = root / "source", root / "wheels"
    for name in source_files():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, source / name)
    # -P: the checkout's build.py must not shadow the `build` package
    done = subprocess.run([sys.executable, "-P", "-m", "build", "--no-isolation", "--outdir", str(out), str(source)],
                          cwd=root, capture_output=True, text=True, timeout=TIMEOUT)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    shutil.rmtree(source)
    assert len(list(out.glob("*.tar.gz"))) == 1, "an sdist too"
    (found,) = out.glob("*.whl")
    return found


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A new virtual environment with the wheel, and the environment variables to run it."""
    root = tmp_path_factory.mktemp("installed")
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=TIMEOUT)
    python = venv / "bin" / "python"
    done = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps",
                           "--no-index", str(wheel)], capture_output=True, text=True, timeout=TIMEOUT)
    assert done.returncode == 0, done.stderr
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    (site / "brochures_test_guard.py").write_text(GUARD, encoding="utf-8")
    (site / "brochures_test_guard.pth").write_text("import brochures_test_guard\n", encoding="utf-8")
    (site / "zz_project_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    log = root / "checkout-reads.log"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env.update(PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}", BROCHURES_CHECKOUT=os.path.realpath(ROOT),
               BROCHURES_READ_LOG=str(log), BROCHURES_DEPENDENCIES=os.path.realpath(sys.prefix))
    return {"bin": venv / "bin", "env": env, "log": log, "work": root / "work"}


def run(installed: dict, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    cwd.mkdir(parents=True, exist_ok=True)
    return subprocess.run([str(installed["bin"] / "brochures"), *args], cwd=cwd, env=installed["env"],
                          capture_output=True, text=True, timeout=TIMEOUT)


def test_the_wheel_holds_the_shipped_files(wheel: Path):
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in source_files():
        top = name.split("/")[0]
        if top in ("templates", "styles", "locales", "content", "starter"):
            assert f"brochures/data/{name}" in names, name
        elif top == "brochures" and not name.endswith("__pycache__"):
            assert name in names, name


def test_every_subpackage_is_listed_for_the_wheel():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = {name for name in config["tool"]["setuptools"]["packages"] if not name.startswith("brochures.data")}
    found = {".".join(path.parent.relative_to(ROOT).parts) for path in (ROOT / "brochures").rglob("__init__.py")}
    assert listed == found


def test_installed_command_starts_builds_and_checks_a_new_folder(installed: dict):
    work = installed["work"]
    version = run(installed, work, "--version")
    assert (version.returncode, version.stdout.strip()) == (0, f"brochures {__version__}")

    made = run(installed, work, "new", "clinic")
    assert made.returncode == 0, made.stderr
    clinic = work / "clinic"
    assert {"site.yaml", "bundles.yaml", "README.md"} <= {p.name for p in clinic.iterdir()}
    topics = [p for p in clinic.iterdir() if p.is_dir()]
    assert len(topics) == 1 and {p.name for p in topics[0].glob("*.md")} == {"en.md", "fr.md"}

    built = run(installed, clinic, "--jobs", "2")
    assert built.returncode == 0, built.stdout + built.stderr
    assert "warning" not in built.stderr, built.stderr
    topic = topics[0].name
    for lang, word in (("en", "draft"), ("fr", "ébauche")):
        pdf = clinic / "dist" / lang / f"{topic}.pdf"
        reader = PdfReader(pdf)
        text = "\n".join(page.extract_text() or "" for page in reader.pages).lower()
        assert len(reader.pages) >= 2 and word in text, (lang, text[:300])
        assert (clinic / "dist" / lang / topic / "index.html").is_file(), "the web edition"
    assert (clinic / "dist" / "index.html").is_file()

    checked = run(installed, clinic, "check")
    assert checked.returncode == 0 and "0 error(s), 0 warning(s)" in checked.stdout, checked.stdout + checked.stderr

    where = subprocess.run([str(installed["bin"] / "python"), "-c",
                            "from brochures.resources import DATA_ROOT; print(DATA_ROOT)"],
                           cwd=work, env=installed["env"], capture_output=True, text=True, timeout=TIMEOUT)
    assert Path(where.stdout.strip()).is_relative_to(installed["bin"].parent), where.stdout + where.stderr
    log = installed["log"]
    assert not log.exists() or log.read_text(encoding="utf-8") == "", "read from the checkout:\n" + log.read_text()


def test_the_guard_sees_a_read_of_the_checkout(installed: dict):
    """The audit hook is live in the new environment: reading a checkout file is noted."""
    installed["log"].unlink(missing_ok=True)
    subprocess.run([str(installed["bin"] / "python"), "-c", f"open({str(ROOT / 'pyproject.toml')!r}).read()"],
                   env=installed["env"], check=True, timeout=TIMEOUT)
    assert str(ROOT / "pyproject.toml") in installed["log"].read_text(encoding="utf-8")
    installed["log"].unlink()


def test_new_refuses_a_folder_that_is_not_empty(installed: dict):
    work = installed["work"] / "refused"
    (work / "mine").mkdir(parents=True)
    (work / "mine" / "notes.txt").write_text("keep me\n")
    before = sorted((p.relative_to(work), p.stat().st_mtime_ns) for p in work.rglob("*"))
    refused = run(installed, work, "new", "mine")
    assert refused.returncode == 2
    assert len(refused.stderr.strip().splitlines()) == 1 and "mine" in refused.stderr and "Traceback" not in refused.stderr
    assert sorted((p.relative_to(work), p.stat().st_mtime_ns) for p in work.rglob("*")) == before
