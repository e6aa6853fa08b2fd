"""The brochure typeface, shipped as a Python dependency so every machine prints the same pages.

Atkinson Hyperlegible (SIL Open Font License 1.1) was drawn by the Braille Institute for
low-vision readers. WeasyPrint embeds and subsets it; a character the font lacks would fall
back to whatever system font exists, so such characters are found and reported before printing.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Callable

import fontpkg_atkinson_hyperlegible as atkinson
from fontTools.ttLib import TTFont

FAMILY = atkinson.FAMILY
FONT_DIR: Path = atkinson.ROOT / "files"
FACES = (
    ("AtkinsonHyperlegible-Regular.ttf", 400, "normal"),
    ("AtkinsonHyperlegible-Italic.ttf", 400, "italic"),
    ("AtkinsonHyperlegible-Bold.ttf", 700, "normal"),
    ("AtkinsonHyperlegible-BoldItalic.ttf", 700, "italic"),
)
# Characters that print nothing, so need no glyph. Other spaces do: the narrow no-break space
# (U+202F) French typography asks for is not in the font and would print in another one.
INVISIBLE = frozenset("\n\r\t\u00ad\u200b\u200c\u200d\u2060\ufeff")


def font_face_css(uri: Callable[[Path], str] = Path.as_uri) -> str:
    """@font-face rules pointing at the packaged files (the only fonts a brochure may use)."""
    return "\n".join(
        f'@font-face {{ font-family: "{FAMILY}"; src: url("{uri(FONT_DIR / name)}"); '
        f"font-weight: {weight}; font-style: {style}; }}"
        for name, weight, style in FACES
    )


@lru_cache(maxsize=1)
def _covered() -> frozenset[int]:
    """Code points present in every face, so bold and italic text are covered too."""
    sets = []
    for name, _, _ in FACES:
        with TTFont(FONT_DIR / name, lazy=True) as font:
            sets.append(set(font.getBestCmap()))
    return frozenset(set.intersection(*sets))


def missing_characters(text: str) -> list[str]:
    """Characters of `text` the brochure font cannot draw, in order of first appearance."""
    covered = _covered()
    seen: dict[str, None] = {}
    for char in text:
        if char not in INVISIBLE and ord(char) not in covered and char != " ":
            seen.setdefault(char)
    return list(seen)
