"""Let WeasyPrint find its C libraries with one look at the loader's cache instead of twenty-two programs.

WeasyPrint opens each library (GObject, Pango, HarfBuzz, fontconfig...) by trying several
spellings of its name, for Windows, macOS and Linux. On Linux, cffi hands each spelling it
cannot open as is to `ctypes.util.find_library`, which runs `ldconfig -p` and, when that finds
nothing, gcc and then ld: twenty-two programs, a fifth of a second of every process that
renders a brochure, most of it spent on Windows and macOS names. While WeasyPrint is imported,
names are looked up once in a single `ldconfig -p` listing instead; a name not listed is not
found, and WeasyPrint goes on to the library's file name (`libpango-1.0.so.0`), which the
system loader opens wherever it is, `LD_LIBRARY_PATH` included.
"""

from __future__ import annotations

import ctypes.util
import os
import re
import shutil
import struct
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

# The ABI tag `ldconfig -p` prints beside a library of this interpreter's kind (a prefix match).
_ABI_TAGS = {"x86_64": "libc6,x86-64", "ppc64": "libc6,64bit", "sparc64": "libc6,64bit",
             "s390x": "libc6,64bit", "ia64": "libc6,IA-64"}


def _abi_tag() -> str:
    wide = struct.calcsize("P") == 8
    return _ABI_TAGS.get(os.uname().machine, "libc6") if wide else "libc6"


def loader_cache() -> bytes | None:
    """What `ldconfig -p` lists (the shared libraries the system loader knows); None without it."""
    program = shutil.which("ldconfig") or shutil.which("ldconfig", path="/sbin:/usr/sbin")
    if program is None:
        return None
    try:
        return subprocess.run([program, "-p"], capture_output=True, check=True, timeout=10,
                              env={"LC_ALL": "C", "LANG": "C"}).stdout
    except (OSError, subprocess.SubprocessError):
        return None


def find_in(listing: bytes, name: str) -> str | None:
    """The file name of library `name` in an `ldconfig -p` listing ("pango-1.0" → "libpango-1.0.so.0")."""
    found = re.search(rb"\s(lib%s\.\S+)\s+\(%s" % (re.escape(name.encode()), _abi_tag().encode()), listing)
    return found.group(1).decode() if found else None


@contextmanager
def quick_library_lookup() -> Iterator[None]:
    """Inside this block, `ctypes.util.find_library` answers from one `ldconfig -p` listing.

    Elsewhere than Linux, or without ldconfig, nothing changes.
    """
    listing = loader_cache() if sys.platform.startswith("linux") else None
    if listing is None:
        yield
        return
    standard = ctypes.util.find_library
    ctypes.util.find_library = lambda name: find_in(listing, name)
    try:
        yield
    finally:
        ctypes.util.find_library = standard
