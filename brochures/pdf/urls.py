"""Fixed URLs for the folders a page may read, so a PDF does not depend on where they are.

WeasyPrint names images after their URL and the PDF identifier derives from the page, which
names the logo by URL. With real `file:` paths, the same content in another folder (another
checkout, a cluster worker's temporary copy) would give other bytes. Every folder is shown to
WeasyPrint under `file:///.brochures/<name>/` instead; the fetcher maps it back.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Iterable

from brochures.html.fonts import FONT_DIR, SYMBOL_DIR

PREFIX = "/.brochures/"


@dataclass(frozen=True)
class Roots:
    """(name, real folder) pairs; names keep the relative layout (`project/styles`)."""

    folders: tuple[tuple[str, Path], ...]

    @classmethod
    def of(cls, content_dir: Path, project_root: Path) -> Roots:
        return cls((("content", content_dir.resolve()),
                    ("project/templates", (project_root / "templates").resolve()),
                    ("project/styles", (project_root / "styles").resolve()),
                    ("fonts", FONT_DIR.resolve()), ("symbol-fonts", SYMBOL_DIR.resolve())))

    @classmethod
    def plain(cls, folders: Iterable[Path]) -> Roots:
        """Folders without names of their own (`root0`, `root1`...), plus the shipped fonts."""
        return cls((*((f"root{i}", folder.resolve()) for i, folder in enumerate(folders)),
                    ("fonts", FONT_DIR.resolve()), ("symbol-fonts", SYMBOL_DIR.resolve())))

    def plus(self, folders: Iterable[Path]) -> Roots:
        """These roots and more folders (`extra0`...), such as a print variant's colour profiles."""
        return Roots((*self.folders, *((f"extra{i}", folder.resolve()) for i, folder in enumerate(folders))))

    @property
    def allowed(self) -> tuple[Path, ...]:
        return tuple(folder for _, folder in self.folders)

    def uri(self, path: Path) -> str:
        """The fixed URL of a file or folder under a root; its real URL otherwise."""
        real = path.resolve()
        for name, folder in self.folders:
            if real.is_relative_to(folder):
                rest = real.relative_to(folder).as_posix()
                return "file://" + PREFIX + name + ("" if rest == "." else "/" + rest)
        return real.as_uri()

    def real(self, url_path: str) -> Path | None:
        """The real file behind a fixed URL's path, or None when it names no root."""
        if not url_path.startswith(PREFIX):
            return None
        rest = PurePosixPath(url_path[len(PREFIX):])
        for name, folder in self.folders:
            if rest.is_relative_to(name):
                return folder.joinpath(*rest.relative_to(name).parts)
        return None
