"""A per-user cache of what the build derives from installed files, so a new process need not redo it.

Only what the build derives itself goes here, never a copy of content: the symbol font (a third
of a second to make) and the fonts' character sets, from the installed font packages, and
Jinja2's compiled templates (the project's and a clinic's own, compiled by the sandbox, each
checked against its source). Each entry is named after a hash of everything it is made from, so
an upgrade or an edit simply misses; each carries a hash of its own bytes, so a damaged entry is
made again rather than used. A cache that cannot be read or written costs time, never a brochure.

The folder is `$BROCHURES_CACHE`, else `$XDG_CACHE_HOME/brochures`, else `~/.cache/brochures`.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Callable

from brochures.files import FileRefused, read_inside, write_atomic

CACHE_ENV = "BROCHURES_CACHE"
MAX_ENTRY_BYTES = 16 * 1024 * 1024
DIGEST_BYTES = 32  # sha256, after the entry's data


def cache_dir() -> Path:
    """Where this user's cache lives (it may not exist yet)."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "brochures"


def derived(kind: str, made_from: bytes, make: Callable[[], bytes]) -> bytes:
    """The bytes `make()` returns for these inputs: from the cache when an intact entry is there,
    else made now and stored for the next process."""
    folder = cache_dir()
    path = folder / f"{kind}-{hashlib.sha256(made_from).hexdigest()[:40]}"
    try:
        stored = read_inside(path, [folder], MAX_ENTRY_BYTES)
        data, digest = stored[:-DIGEST_BYTES], stored[-DIGEST_BYTES:]
        if len(stored) > DIGEST_BYTES and hashlib.sha256(data).digest() == digest:
            return data
    except FileRefused:
        pass  # not cached yet, or not a plain file: make it
    data = make()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(path, data + hashlib.sha256(data).digest())
    except OSError:
        pass  # a read-only or full home: the next process makes it again
    return data
