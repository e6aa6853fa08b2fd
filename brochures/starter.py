"""`brochures new`: write a content folder a clinic can start from, never over anything.

The folder is copied from the shipped starter (or the sample catalogue) into a hidden folder
beside the target, then renamed into place: an interrupted copy leaves no half-made folder, and
an existing folder is used only when it is empty.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from brochures.problems import ContentError, Problem
from brochures.resources import SAMPLE_DIR, STARTER_DIR

# Output folders a clinic should not commit beside its content.
GITIGNORE = "# Built brochures and the web edition: made again by `brochures`.\n/dist/\n"


def create(folder: Path, sample: bool = False) -> list[Path]:
    """Write the starter (or the sample catalogue) into `folder`; returns the files written.

    Raises ContentError, with nothing written, when `folder` is a file or a non-empty folder.
    """
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise ContentError(Problem(folder, "exists and is a file or a link, not a folder; choose a new folder name"))
    if folder.is_dir() and any(folder.iterdir()):
        raise ContentError(Problem(folder, "is not empty; nothing was written: choose a new folder name, "
                                           "or empty this one first"))
    source = SAMPLE_DIR if sample else STARTER_DIR
    parent = folder.absolute().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.brochures-new-", dir=parent))
    except OSError as exc:
        raise ContentError(Problem(parent, f"cannot create a folder here: {exc.strerror or exc}")) from None
    try:
        shutil.copytree(source, staging, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns(".*", "__pycache__", "*.pyc", "dist"))
        (staging / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
        os.chmod(staging, 0o777 & ~_umask())
        os.replace(staging, folder)  # onto an empty folder too: rename(2) replaces an empty directory
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise ContentError(Problem(folder, f"cannot write the new folder: {exc.strerror or exc}")) from None
    return sorted(path for path in folder.rglob("*") if path.is_file())


def _umask() -> int:
    """The process's umask (mkdtemp makes a private folder; the new one is as any other)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask
