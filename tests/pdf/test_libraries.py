"""WeasyPrint's C libraries found from one `ldconfig -p` listing, not by a program per name."""

from __future__ import annotations

import ctypes.util
import json
import subprocess
import sys

from brochures.pdf.libraries import _abi_tag, find_in, loader_cache, quick_library_lookup

# What `ldconfig -p` prints, with this machine's ABI tag.
LISTING = f"""\
1234 libs found in cache `/etc/ld.so.cache'
\tlibpangoft2-1.0.so.0 ({_abi_tag()}) => /lib/x/libpangoft2-1.0.so.0
\tlibpango-1.0.so.0 ({_abi_tag()}) => /lib/x/libpango-1.0.so.0
\tlibharfbuzz.so.0 ({_abi_tag()}) => /lib/x/libharfbuzz.so.0
\tlibother.so.1 (libc5) => /lib/old/libother.so.1
""".encode()

# Run in a new process: which programs importing the renderer starts, and whether it renders.
PROBE = """
import json, subprocess
started = []
original = subprocess.Popen.__init__
def record(self, args, *rest, **options):
    started.append(args if isinstance(args, str) else " ".join(map(str, args)))
    original(self, args, *rest, **options)
subprocess.Popen.__init__ = record
from brochures.pdf.render import HTML
pdf = HTML(string="<p>Bonjour</p>").write_pdf()
print(json.dumps({"started": started, "pdf": pdf.startswith(b"%PDF")}))
"""


def test_a_name_is_found_by_its_library_file_name() -> None:
    assert find_in(LISTING, "pango-1.0") == "libpango-1.0.so.0"
    assert find_in(LISTING, "pangoft2-1.0") == "libpangoft2-1.0.so.0"
    assert find_in(LISTING, "other") is None  # another kind of library (not this ABI)
    assert find_in(LISTING, "libpango-1.0-0") is None  # a Windows spelling
    assert find_in(LISTING, "harfbuzz-vector") is None
    assert find_in(LISTING, "pango") is None  # "pango-1.0" is another library's name


def test_the_real_listing_finds_what_weasyprint_needs() -> None:
    listing = loader_cache()
    assert listing is not None, "ldconfig is part of every Debian system"
    for name in ("pango-1.0", "gobject-2.0", "harfbuzz", "fontconfig", "pangoft2-1.0"):
        assert find_in(listing, name) == ctypes.util.find_library(name)


def test_the_standard_lookup_is_back_after_the_block() -> None:
    standard = ctypes.util.find_library
    with quick_library_lookup():
        assert ctypes.util.find_library is not standard
        assert ctypes.util.find_library("libgobject-2.0-0") is None
    assert ctypes.util.find_library is standard


def test_importing_the_renderer_starts_one_program_and_renders() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=120)
    probe = json.loads(done.stdout.strip().splitlines()[-1])
    assert probe["pdf"]
    assert len(probe["started"]) == 1 and "ldconfig -p" in probe["started"][0], probe["started"]
