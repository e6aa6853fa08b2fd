"""Decorative images become CSS backgrounds, so the tagged PDF marks them as artifacts.

PDF/UA wants every figure described and every ornament hidden from screen readers. WeasyPrint
tags each `<img>` as a Figure (and complains when its alt is empty) but draws backgrounds as
artifacts: an image the author marked `{: .decorative }` is therefore drawn as the background
of an empty box with the image's proportions, at most its natural width.
"""

from __future__ import annotations

import re
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

DECORATIVE_CLASS = "decorative"
CSS_PX_PER_INCH = 96
SVG_LENGTH_RE = re.compile(r"^\s*([\d.]+)\s*(px)?\s*$")


def is_decorative(img: ET.Element) -> bool:
    return DECORATIVE_CLASS in (img.get("class") or "").split()


def image_size(path: Path) -> tuple[float, float] | None:
    """The natural size in CSS pixels, or None when the file does not say."""
    if path.suffix.lower() == ".svg":
        return _svg_size(path)
    from PIL import Image, UnidentifiedImageError  # only for topics with pictures

    try:
        with Image.open(path) as image:
            dpi = image.info.get("dpi", (CSS_PX_PER_INCH, CSS_PX_PER_INCH))[0] or CSS_PX_PER_INCH
            scale = CSS_PX_PER_INCH / float(dpi)
            return image.width * scale, image.height * scale
    except (OSError, UnidentifiedImageError):
        return None


def image_problem(path: Path, max_pixels: int, limit_hint: str) -> str | None:
    """Why the image cannot be printed, in words, or None when it decodes within `max_pixels`.

    The size is read from the header before any pixel is decoded, so a small file claiming a
    billion pixels (a decompression bomb) costs nothing; then the whole image is decoded once,
    which finds truncated and damaged files that would otherwise be left out of the PDF.
    """
    if path.suffix.lower() == ".svg":
        try:
            ET.parse(path)
        except ET.ParseError as exc:
            return f"is not a readable SVG drawing ({exc}); export it again"
        return None
    from PIL import Image, ImageFile, UnidentifiedImageError  # only for topics with pictures

    lenient = ImageFile.LOAD_TRUNCATED_IMAGES  # WeasyPrint turns it on when imported: not here
    try:
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                pixels = image.width * image.height
                if pixels > max_pixels:
                    return (f"is {image.width}×{image.height} pixels, over the limit ({limit_hint}); "
                            "make it smaller")
                image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return f"claims to be far bigger than any picture ({limit_hint}); make it smaller"
    except UnidentifiedImageError:
        return "is not a PNG, JPEG, GIF or WebP picture (damaged, or saved in another format); export it again"
    except (OSError, SyntaxError, ValueError) as exc:
        reason = str(exc) or type(exc).__name__
        return f"cannot be decoded ({reason}): the file is damaged or incomplete; export it again"
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = lenient
    return None


def _svg_size(path: Path) -> tuple[float, float] | None:
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError):
        return None
    width, height = (SVG_LENGTH_RE.match(root.get(key, "")) for key in ("width", "height"))
    if width and height:
        return float(width.group(1)), float(height.group(1))
    box = (root.get("viewBox") or "").replace(",", " ").split()
    if len(box) == 4:
        try:
            return float(box[2]), float(box[3])
        except ValueError:
            return None
    return None


def as_background(img: ET.Element, uri: str, size: tuple[float, float]) -> None:
    """Turn `img` in place into a `<span>` box painted with the image (`uri` is a checked file URI)."""
    width, height = size
    ratio = 100 * height / width if width > 0 else 50
    tail = img.tail
    img.clear()
    img.tag = "span"
    img.tail = tail
    img.set("class", "decorative-image")
    img.set("style", f"width: {width:.2f}px")
    inner = ET.SubElement(img, "span")
    inner.set("style", f'padding-top: {ratio:.4f}%; background-image: url("{uri}")')
