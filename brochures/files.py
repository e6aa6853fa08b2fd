"""Files in and out: reads that never leave their folder, writes that are atomic.

Content is untrusted: a topic file, an image, a stylesheet or a template may be a symlink out of
its folder (to /etc/passwd), a FIFO that blocks forever, a device that never ends (/dev/zero)
or a socket. `read_inside` refuses all of these before opening anything for reading, and caps
the size, so every stage reads through the same rule.

Outputs are written to a temporary file whose name only the build makes (`TEMP_PREFIX`), then
renamed into place: a reader never sees a half-written PDF, a failure keeps the old one, and
only the build's own leftovers are ever cleaned up.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path
from typing import Iterable

TEMP_PREFIX = ".brochures-partial-"
TEMP_SUFFIX = ".tmp"
# A file bigger than this is not one a brochure needs (the largest inputs are images).
DEFAULT_MAX_BYTES = 64 * 1024 * 1024


class FileRefused(Exception):
    """A file that may not be read: outside its folder, not a regular file, or too big."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def real_inside(path: Path, roots: Iterable[Path]) -> Path | None:
    """`path` after symlinks, if it lies inside one of `roots` (also after symlinks); else None."""
    real = Path(os.path.realpath(path))
    for root in roots:
        if real.is_relative_to(os.path.realpath(root)):
            return real
    return None


def check_regular(path: Path, roots: Iterable[Path]) -> Path:
    """The real path of `path` if it is a regular file inside `roots`; raise `FileRefused` otherwise.

    Only `stat` is used, never `open`, so a FIFO or a device is refused without blocking.
    """
    roots = list(roots)
    real = real_inside(path, roots)
    if real is None:
        raise FileRefused(path, "refused: it leads outside its folder (a symbolic link?); "
                                "put the file itself in the folder")
    try:
        info = os.stat(real)
    except OSError as exc:
        raise FileRefused(path, f"cannot read the file: {exc.strerror}") from None
    if not stat.S_ISREG(info.st_mode):
        raise FileRefused(path, f"refused: it is {_kind(info.st_mode)}, not a regular file")
    return real


def read_inside(path: Path, roots: Iterable[Path], max_bytes: int = DEFAULT_MAX_BYTES,
                limit_hint: str = "") -> bytes:
    """The bytes of `path`, a regular file inside one of `roots`, at most `max_bytes` long.

    Checked before opening (real path, kind of file), opened without following a last symlink
    and without blocking, then checked again on the open descriptor, so a file swapped in
    between is refused too. `limit_hint` tells how to raise the size limit.
    """
    real = check_regular(path, roots)
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(real, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise FileRefused(path, "refused: it was replaced by a symbolic link") from None
        raise FileRefused(path, f"cannot read the file: {exc.strerror}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise FileRefused(path, f"refused: it is {_kind(info.st_mode)}, not a regular file")
        if info.st_size > max_bytes:
            raise FileRefused(path, _too_big(info.st_size, max_bytes, limit_hint))
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:  # it grew while being read
                raise FileRefused(path, _too_big(total, max_bytes, limit_hint))
        return b"".join(chunks)
    except OSError as exc:
        raise FileRefused(path, f"cannot read the file: {exc.strerror}") from None
    finally:
        os.close(fd)


def _too_big(size: int, max_bytes: int, hint: str) -> str:
    return (f"too big: {_human(size)}, over the limit of {_human(max_bytes)}"
            + (f" ({hint})" if hint else ""))


def _human(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a special file"


def write_atomic(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write to a temporary file in the same folder, then rename it over `path` in one step.

    The temporary file is its owner's alone until it is complete, then gets `mode`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f"{TEMP_PREFIX}{path.name}.", suffix=TEMP_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as tmp:
            tmp.write(data)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.chmod(tmp_name, mode)
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def file_stamp(path: Path) -> tuple[int, int] | None:
    """When a file last changed, and its size: to notice an edit without reading it; None if absent."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size


def is_partial_file(path: Path) -> bool:
    """A temporary file `write_atomic` made (and a killed build left); nothing else matches."""
    return path.name.startswith(TEMP_PREFIX) and path.name.endswith(TEMP_SUFFIX)
