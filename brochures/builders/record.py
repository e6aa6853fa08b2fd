"""Record what each output was made from, so that a rebuild renders only what changed.

Inputs are hashed by content, never by modification time (a git checkout resets times): the
topic files and images, the titles of related topics (printed), site settings, bundles, templates,
styles, layout-text catalogues, the options and the versions of the software that renders.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath

from brochures import __version__
from brochures.builders.plan import Job, Options
from brochures.content.catalogue import Catalogue
from brochures.files import FileRefused, read_inside, real_inside, write_atomic
from brochures.pdf.variants import Variant
from brochures.resources import DATA_ROOT, LOCALES_DIR, STYLES_DIR, TEMPLATES_DIR

RECORD_NAME = ".build-record.json"
RECORD_BYTES = 64 * 1024 * 1024
RECORD_FORMAT = 2  # 2: names its content folder
# Software whose version changes the bytes of a PDF.
PACKAGES = ("weasyprint", "pydyf", "pypdf", "markdown", "jinja2", "babel", "pyphen",
            "fontpkg-atkinson-hyperlegible", "fontpkg-source-sans-3", "tinyhtml5", "segno")


@dataclass(frozen=True)
class Fingerprint:
    key: str
    inputs: dict[str, str]  # label (a path, an option, a version) → hash or value


@dataclass
class Entry:
    """What one job was made from last time, and the files it wrote (path → size)."""

    document: str  # "<lang>/<name>": whether it still exists decides if its files are removed
    key: str
    inputs: dict[str, str]
    files: dict[str, int]
    pages: int


@dataclass
class BuildRecord:
    """What the output folder holds, and for which content folder (its real path).

    The record is a file anyone could edit: an entry naming a file outside the output folder
    (absolute, with `..`, or through a symlink) is rejected, never followed.
    """

    content: str | None = None
    entries: dict[str, Entry] = field(default_factory=dict)  # job id → entry
    edition: str | None = None  # the edition this folder holds (editions.yaml), None for a whole catalogue
    rejected: list[str] = field(default_factory=list)  # files named by entries that were refused

    @classmethod
    def load(cls, out_dir: Path) -> BuildRecord:
        """The previous record; a missing or unreadable one means everything is new."""
        try:
            data = json.loads(read_inside(out_dir / RECORD_NAME, [out_dir], RECORD_BYTES))
            if not isinstance(data, dict) or data.get("format") != RECORD_FORMAT:
                return cls()
            content, edition = data.get("content"), data.get("edition")
            record = cls(content if isinstance(content, str) else None,
                         edition=edition if isinstance(edition, str) else None)
            for job_id, fields in data["entries"].items():
                entry = Entry(**fields)
                unsafe = [rel for rel in entry.files if not isinstance(rel, str) or
                          output_path(out_dir, rel) is None]
                if unsafe or not isinstance(entry.files, dict):
                    record.rejected.extend(map(str, unsafe or [job_id]))
                    continue
                record.entries[str(job_id)] = entry
            return record
        except (OSError, FileRefused, ValueError, TypeError, KeyError, AttributeError):
            return cls()

    def belongs_to(self, content_dir: Path) -> bool:
        """Whether the folder's brochures were built from `content_dir` (or from nothing yet)."""
        return self.content is None or self.content == str(content_dir.resolve())

    def save(self, out_dir: Path, content_dir: Path) -> None:
        """Written atomically, so it always lists files that are on disk (see pipeline.RECORD_EVERY)."""
        data = {"format": RECORD_FORMAT, "content": str(content_dir.resolve()),
                **({"edition": self.edition} if self.edition else {}),
                "entries": {job_id: vars(entry) for job_id, entry in sorted(self.entries.items())}}
        write_atomic(out_dir / RECORD_NAME, json.dumps(data, indent=1, sort_keys=True).encode("utf-8"))

    def is_current(self, job_id: str, fingerprint: Fingerprint, out_dir: Path) -> bool:
        entry = self.entries.get(job_id)
        if entry is None or entry.key != fingerprint.key or not entry.files:
            return False
        return all(_size(out_dir / rel) == size for rel, size in entry.files.items())

    def reasons(self, job_id: str, fingerprint: Fingerprint) -> list[str]:
        """Why a job renders again, in words for the verbose log."""
        entry = self.entries.get(job_id)
        if entry is None:
            return ["new"]
        changed = sorted(label for label in set(entry.inputs) | set(fingerprint.inputs)
                         if entry.inputs.get(label) != fingerprint.inputs.get(label))
        return [f"{label} changed" for label in changed] or ["output missing or altered"]


def output_path(out_dir: Path, rel: str) -> Path | None:
    """`out_dir / rel` when `rel` is a plain relative path that stays inside `out_dir`
    after symlinks; None for an absolute path, a `..`, or a way out."""
    pure = PurePosixPath(rel)
    if not rel or pure.is_absolute() or "\\" in rel or any(part in ("..", "") for part in rel.split("/")):
        return None
    path = out_dir / pure
    if real_inside(path.parent, [out_dir]) is None:
        return None
    return path


def job_id(job: Job, variant: Variant, options: Options) -> str:
    booklet = "+booklet" if options.layout == "booklet" else ""
    return f"{job.lang}/{job.name}{variant.suffix}{booklet}"


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None


class Hasher:
    """Hashes each file once per build, however many jobs use it.

    Only regular files inside the folder they belong to are read (the rule of `files.py`): a
    link to a device or to a huge file elsewhere is hashed as refused, and reported where it is used.
    """

    def __init__(self) -> None:
        self._hashes: dict[Path, str] = {}

    def file(self, path: Path, root: Path | None = None) -> str:
        if path not in self._hashes:
            try:
                data = read_inside(path, [root or path.parent])
                self._hashes[path] = hashlib.sha256(data).hexdigest()
            except FileRefused as exc:
                self._hashes[path] = f"refused: {exc.reason}"
        return self._hashes[path]

    def tree(self, folder: Path) -> dict[Path, str]:
        if not folder.is_dir():
            return {}
        return {path: self.file(path, folder) for path in sorted(folder.rglob("*")) if path.is_file()}


def fingerprint(job: Job, catalogue: Catalogue, variant: Variant, options: Options, hasher: Hasher,
                edition: str | None = None) -> Fingerprint:
    """Everything this job's output depends on; coarse where exactness would be fragile.

    In an edition, `edition` is the hash of that edition's own settings: editions.yaml is not
    hashed whole, so a change to one edition re-renders that edition only.
    """
    content = catalogue.content_dir
    files: dict[Path, str] = {}
    titles: dict[str, str] = {}
    for translation in job.translations:
        topic = catalogue.topics[translation.topic_id]
        for path, digest in hasher.tree(topic.folder).items():
            if path.suffix != ".md" or path == translation.src_path:  # images, not other languages
                files[path] = digest
        for related_id in translation.related:  # only their titles print here
            related = catalogue.topics.get(related_id)
            if related is not None and job.lang in related.translations:
                titles[f"related:{related_id}/{job.lang}"] = related.translations[job.lang].title
    names = ["site.yaml"] + (["bundles.yaml"] if job.name.startswith("bundles/") else [])
    for name in names:
        if (content / name).is_file():
            files[content / name] = hasher.file(content / name)
    if catalogue.site.branding.logo is not None:
        files[catalogue.site.branding.logo] = hasher.file(catalogue.site.branding.logo, content)
    for folder in (TEMPLATES_DIR, STYLES_DIR, content / "templates", content / "styles"):
        # web/ holds the web edition's templates and styles, which builders/website.py fingerprints
        files.update({path: digest for path, digest in hasher.tree(folder).items()
                      if path.relative_to(folder).parts[0] != "web"})
    for folder in (content / "locales", LOCALES_DIR):
        if (folder / f"{job.lang}.po").is_file():
            files[folder / f"{job.lang}.po"] = hasher.file(folder / f"{job.lang}.po")

    inputs = {_label(path, content): digest for path, digest in files.items()} | titles
    inputs["option:variant"] = repr(variant)
    inputs["option:layout"] = options.layout
    inputs["option:html"] = str(options.write_html)
    if edition is not None:
        inputs["editions.yaml:edition"] = edition
    inputs.update(_versions())
    key = hashlib.sha256(json.dumps(sorted(inputs.items())).encode("utf-8")).hexdigest()
    return Fingerprint(key, inputs)


@lru_cache(maxsize=1)
def _versions() -> dict[str, str]:
    """The versions of the packages that shape a PDF, read once per process.

    Found by one listing of each folder of `sys.path` (the `*.dist-info` folders) and read from
    their METADATA: asking `importlib.metadata` for each package searches every folder again,
    which cost as much as sanitising a brochure. A package not found that way is asked for the
    standard way.
    """
    wanted = {_normalised(package): package for package in PACKAGES}
    found: dict[str, str] = {}
    for folder in sys.path:
        try:
            entries = os.scandir(folder or ".")
        except OSError:
            continue
        with entries:
            for entry in entries:
                if not entry.name.endswith(".dist-info"):
                    continue
                package = wanted.get(_normalised(entry.name.partition("-")[0]))
                if package is not None and package not in found:
                    version = _metadata_version(Path(entry.path) / "METADATA")
                    if version:
                        found[package] = version
    missing = [package for package in PACKAGES if package not in found]
    if missing:
        from importlib.metadata import version  # slow to import: only when the listing did not tell

        found.update({package: version(package) for package in missing})
    return {"version:brochures": __version__, **{f"version:{package}": found[package] for package in PACKAGES}}


def _metadata_version(path: Path) -> str | None:
    """The `Version:` of a distribution's METADATA, as written (the folder's name normalises it)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as metadata:
            for line in metadata:
                if line.startswith("Version:"):
                    return line.partition(":")[2].strip()
                if not line.strip():
                    return None  # the headers end at the first empty line
    except OSError:
        pass
    return None


def _normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _label(path: Path, content: Path) -> str:
    for root, name in ((content, content.name), (DATA_ROOT, "")):
        try:
            return str(Path(name) / path.relative_to(root)) if name else str(path.relative_to(root))
        except ValueError:
            continue
    return str(path)
