"""The per-user cache of derived files: made once, reused, never trusted when damaged."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from brochures.cache import CACHE_ENV, cache_dir, derived
from brochures.html import fonts
from tests.conftest import ROOT


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(folder))
    return folder


def counting(data: bytes) -> tuple[list[int], object]:
    calls: list[int] = []

    def make() -> bytes:
        calls.append(1)
        return data

    return calls, make


def test_an_entry_is_made_once_then_read_back(cache: Path) -> None:
    calls, make = counting(b"derived bytes")
    assert derived("thing", b"inputs", make) == b"derived bytes"
    assert derived("thing", b"inputs", make) == b"derived bytes"
    assert len(calls) == 1
    assert [p.name.split("-")[0] for p in cache.iterdir()] == ["thing"]
    assert derived("thing", b"other inputs", make) == b"derived bytes"
    assert len(calls) == 2  # other inputs, another entry


def test_a_damaged_entry_is_made_again(cache: Path) -> None:
    calls, make = counting(b"derived bytes")
    derived("thing", b"inputs", make)
    (entry,) = cache.iterdir()
    damaged = bytearray(entry.read_bytes())
    damaged[0] ^= 0xFF
    entry.write_bytes(bytes(damaged))
    assert derived("thing", b"inputs", make) == b"derived bytes"
    assert len(calls) == 2
    entry.write_bytes(b"")  # truncated to nothing
    assert derived("thing", b"inputs", make) == b"derived bytes"
    assert len(calls) == 3


def test_an_entry_that_is_a_link_out_is_not_read(cache: Path, tmp_path: Path) -> None:
    calls, make = counting(b"derived bytes")
    derived("thing", b"inputs", make)
    (entry,) = cache.iterdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.write_bytes(entry.read_bytes())
    entry.unlink()
    entry.symlink_to(elsewhere)
    assert derived("thing", b"inputs", make) == b"derived bytes"
    assert len(calls) == 2


def test_a_cache_that_cannot_be_written_costs_time_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CACHE_ENV, "/proc/brochures-cache")  # not even root can make it
    calls, make = counting(b"derived bytes")
    assert derived("thing", b"inputs", make) == b"derived bytes"
    assert derived("thing", b"inputs", make) == b"derived bytes"
    assert len(calls) == 2


def test_a_cache_folder_that_is_a_file_costs_time_only(cache: Path) -> None:
    cache.write_text("not a folder")
    calls, make = counting(b"derived bytes")
    assert derived("thing", b"inputs", make) == b"derived bytes"
    assert len(calls) == 1


def test_the_folder_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(CACHE_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "brochures"
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "mine"))
    assert cache_dir() == tmp_path / "mine"


def test_the_cached_symbol_font_is_the_one_made_from_the_packaged_font(cache: Path) -> None:
    fonts.symbol_font.cache_clear()
    fonts._charsets.cache_clear()
    try:
        first = fonts.symbol_font()
        fonts.symbol_font.cache_clear()
        fonts._charsets.cache_clear()
        again = fonts.symbol_font()  # read back from the entries the first call stored
        assert sorted(p.name.split("-")[0] for p in cache.iterdir()) == ["charsets", "symbols"]
        source = (fonts.SYMBOL_DIR / fonts.SYMBOL_FILE).read_bytes()
        made_now = fonts._static_symbols(source, sorted(fonts._charsets()[1]))
        assert first == again == made_now
    finally:
        fonts.symbol_font.cache_clear()
        fonts._charsets.cache_clear()


def test_damaged_compiled_templates_are_compiled_again(tmp_path: Path) -> None:
    """A new process reads the compiled templates an earlier one stored; garbage, a cut file or a
    pipe in their place changes nothing in the brochure."""
    env = {**os.environ, CACHE_ENV: str(tmp_path / "cache")}
    command = [sys.executable, str(ROOT / "build.py"), "--content", str(ROOT / "content"), "immunotherapy",
               "--lang", "fr", "--no-web", "--force", "-q"]
    first = subprocess.run(command + ["--out", str(tmp_path / "a")], env=env, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    (templates,) = (tmp_path / "cache").glob("templates-*")
    entries = sorted(templates.iterdir())
    assert len(entries) >= 5  # the brochure's templates and partials
    for n, entry in enumerate(entries):
        if n % 3 == 0:
            entry.write_bytes(b"not compiled code")
        elif n % 3 == 1:
            entry.write_bytes(entry.read_bytes()[:20])
        else:
            entry.unlink()
            os.mkfifo(entry)
    again = subprocess.run(command + ["--out", str(tmp_path / "b")], env=env, capture_output=True, text=True,
                           timeout=120)
    assert again.returncode == 0, again.stderr
    assert (tmp_path / "a/fr/immunotherapy.pdf").read_bytes() == (tmp_path / "b/fr/immunotherapy.pdf").read_bytes()
