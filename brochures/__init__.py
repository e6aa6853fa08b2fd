"""brochures: patient-information Markdown to printable, mailable PDF brochures."""

from __future__ import annotations

from pathlib import Path

__version__ = "0.1.0"

#: The project folder holding templates/, styles/ and locales/ beside the package.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = PROJECT_ROOT / "templates"
STYLES_DIR = PROJECT_ROOT / "styles"
LOCALES_DIR = PROJECT_ROOT / "locales"
