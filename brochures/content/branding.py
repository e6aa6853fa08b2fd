"""A clinic's look on the shared content: logo, colours and contact details from `site.yaml`.

Colours are checked against white before anything prints (WCAG 2.1 asks 4.5:1 for text), since
a pale brand colour would make headings unreadable for the older readers brochures are for.
The logo must be a file inside the content folder: content is untrusted and nothing is fetched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from brochures.content.schema import Mapping

COLOR_RE = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")
EMAIL_RE = re.compile(r"^[^@\s<>\"'()\[\]\\,;:]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$")
LOGO_SUFFIXES = (".svg", ".png")
# primary: title, headings, borders; accent: warning callouts. Both print as text on white.
DEFAULT_COLORS = {"primary": "#0b4f6c", "accent": "#8c1d18"}
MIN_CONTRAST = 4.5  # WCAG 2.1 AA for body-size text


@dataclass(frozen=True)
class Branding:
    logo: Path | None = None  # resolved, inside the content folder
    colors: tuple[tuple[str, str], ...] = ()  # (name, "#rrggbb") the site chose


def contrast_ratio(foreground: str, background: str = "#ffffff") -> float:
    """WCAG 2.1 contrast ratio between two hex colours, from 1 to 21."""
    lighter, darker = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _luminance(color: str) -> float:
    digits = color.lstrip("#")
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    channels = [int(digits[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def read_colors(mapping: Mapping, what: str) -> tuple[tuple[str, str], ...]:
    value = mapping.data.get("colors")
    if value is None:
        return ()
    if not isinstance(value, dict):
        mapping.error("colors", f"{what}: 'colors' must be a mapping such as 'primary: \"#0b4f6c\"'")
        return ()
    colors = []
    for name, color in value.items():
        if name not in DEFAULT_COLORS:
            mapping.error("colors", f"{what}: unknown colour '{name}' (known: {', '.join(DEFAULT_COLORS)})")
        elif not isinstance(color, str) or not COLOR_RE.match(color.strip()):
            mapping.error("colors", f"{what}: colour '{name}' must be a hex colour in quotes, such as "
                                    f"\"#0b4f6c\", got '{color}'")
        elif (ratio := contrast_ratio(color.strip())) < MIN_CONTRAST:
            mapping.error("colors", f"{what}: colour '{name}' {color.strip()} is too light for text on white "
                                    f"(contrast {ratio:.1f}:1, at least {MIN_CONTRAST}:1 is needed); "
                                    "choose a darker shade")
        else:
            colors.append((str(name), color.strip().lower()))
    return tuple(colors)


def read_logo(mapping: Mapping, what: str, content_dir: Path) -> Path | None:
    name = mapping.text("logo", what)
    if name is None:
        return None
    root = content_dir.resolve()
    path = (root / name).resolve()
    if "://" in name or not path.is_relative_to(root):
        mapping.error("logo", f"{what}: 'logo' must be a file inside the content folder, got '{name}'")
    elif path.suffix.lower() not in LOGO_SUFFIXES:
        mapping.error("logo", f"{what}: 'logo' must be an SVG or PNG file, got '{name}'")
    elif not path.is_file():
        mapping.error("logo", f"{what}: logo file '{name}' not found in the content folder")
    else:
        return path
    return None


def read_email(mapping: Mapping, what: str) -> str | None:
    email = mapping.text("email", what)
    if email and not EMAIL_RE.match(email):
        mapping.error("email", f"{what}: 'email' must be an address such as info@example.org, got '{email}'")
        return None
    return email
