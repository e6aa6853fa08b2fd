"""Where the files that ship with brochures are: layout templates, stylesheets, layout-text
catalogues, the sample catalogue and the starter folder of `brochures new`.

Installed from the wheel, they are package data under `brochures/data/`, found through
`importlib.resources` as any package's data is, so the command works from any folder. The
repository keeps them in its top-level folders (`templates/`, `styles/`, `locales/`, `content/`,
`starter/`), which the build backend maps into the package; an editable install (a checkout)
has no `brochures/data/` and reads those folders where they are.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def _data_root() -> Path:
    package = Path(str(files("brochures")))  # wheels install unpacked: the package is a folder
    packaged = package / "data"
    return packaged if packaged.is_dir() else package.parent


#: The folder holding templates/, styles/, locales/, the sample content/ and starter/.
DATA_ROOT = _data_root()
TEMPLATES_DIR = DATA_ROOT / "templates"
STYLES_DIR = DATA_ROOT / "styles"
LOCALES_DIR = DATA_ROOT / "locales"
SAMPLE_DIR = DATA_ROOT / "content"
STARTER_DIR = DATA_ROOT / "starter"
