"""Remove what the output folder no longer needs: outputs of deleted topics, bundles and languages,
of editions no longer named, and files half-written by a build that was killed.

Only files a build record of this content folder names, inside the output folder, and regular
files (never a link, never a folder's other files): a clinic's own files beside the brochures stay.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from brochures.builders.plan import Options, plan
from brochures.builders.record import RECORD_NAME, BuildRecord, output_path
from brochures.builders.tasks import print_html_path
from brochures.builders.website import web_documents
from brochures.content.bundles import Bundles
from brochures.content.catalogue import Catalogue
from brochures.files import is_partial_file
from brochures.problems import Problem


def remove_other_layouts(options: Options, editions: list[str] | None, problems: list[Problem]) -> None:
    """Outputs laid out for editions.yaml as it was: with editions, the files built before it at the
    top of `<out>`; the folders of editions it no longer names (all of them once it is gone).

    Only what a record of this content folder names, and a folder's record only when it says it
    holds that edition: a build of the same content into a subfolder of `<out>` is left alone.
    """
    out_dir, content_dir = options.out_dir, options.content_dir
    if not out_dir.is_dir():
        return
    top = BuildRecord.load(out_dir)
    if editions is not None and top.entries and top.edition is None and top.belongs_to(content_dir):
        _remove_recorded(out_dir, top)
        problems.append(Problem(None, f"removed the outputs built before editions.yaml at the top of {out_dir}: "
                                      "each edition now has its own folder there", severity="warning"))
    for folder in sorted(out_dir.iterdir()):
        if folder.name in (editions or ()) or folder.is_symlink() or not (folder / RECORD_NAME).is_file():
            continue
        record = BuildRecord.load(folder)
        if record.edition != folder.name or not record.belongs_to(content_dir):
            continue
        _remove_recorded(folder, record)
        _remove_empty_folders(folder, out_dir)
        why = "which editions.yaml no longer names" if editions is not None else "now that there is no editions.yaml"
        problems.append(Problem(None, f"removed the outputs of edition '{folder.name}', {why}", severity="warning"))


def _remove_recorded(folder: Path, record: BuildRecord) -> None:
    """Every file `record` names in `folder` (with a PDF's print HTML), the folders inside it this
    leaves empty, and the record itself."""
    for entry in record.entries.values():
        for rel in entry.files:
            path = output_path(folder, rel)
            if path is None or not _remove_file(path):
                continue
            if path.suffix == ".pdf":
                _remove_file(print_html_path(path))
            _remove_empty_folders(path.parent, folder)
    _remove_file(folder / RECORD_NAME)


def _remove_empty_folders(folder: Path, top: Path) -> None:
    """`folder` and its parents up to `top` (excluded), as long as they are empty."""
    while folder != top and folder.is_relative_to(top):
        try:
            folder.rmdir()
        except OSError:  # not empty (or not a plain folder): the files of someone else
            return
        folder = folder.parent


def remove_partial_files(out_dir: Path) -> None:
    """Temporary files left by a build that was killed outright (SIGKILL, power cut): only
    files named as `write_atomic` names them, never a user's own `.something.tmp`."""
    for folder, dirs, names in os.walk(out_dir):
        for name in names:
            path = Path(folder) / name
            if is_partial_file(path) and path.is_file() and not path.is_symlink():
                path.unlink(missing_ok=True)


def remove_deleted(catalogue: Catalogue, bundles: Bundles, record: BuildRecord, options: Options) -> list[str]:
    """Outputs of topics, bundles or languages that no longer exist; returns what was removed.

    Only files the record names, inside the output folder, that are regular files (not links).
    """
    everything = plan(catalogue, bundles, Options(content_dir=options.content_dir, out_dir=options.out_dir), [])
    existing = {f"{job.lang}/{job.name}" for job in everything.jobs} | set(everything.unbuildable)  # broken: kept
    existing |= web_documents(catalogue)
    removed = []
    for identity in sorted(record.entries):
        if record.entries[identity].document in existing:
            continue
        for rel in record.entries.pop(identity).files:
            path = output_path(options.out_dir, rel)
            if path is None:
                continue
            if _remove_file(path):
                _remove_file(print_html_path(path))
                removed.append(rel)
    return removed


def _remove_file(path: Path) -> bool:
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return False
        path.unlink()
        return True
    except OSError:
        return False
