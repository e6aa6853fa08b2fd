"""Limits on the work one document may cause, far above what a real brochure needs.

Content is untrusted and may be broken: a 1 MB title, lists nested 200 deep, a picture of a
billion pixels or a template looping forever would otherwise take minutes, gigabytes or the
whole build down. Each limit is settable in `site.yaml` under `limits:` for a clinic that
really needs more; a document over one fails alone, with a line naming the limit.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

# key in site.yaml → (unit for messages and values, default)
LIMIT_KEYS = {
    "markdown_kb": "KB",
    "value_chars": "characters",
    "image_megapixels": "megapixels",
    "nesting": "levels",
    "render_seconds": "seconds",
    "render_memory_mb": "MB",
}


@dataclass(frozen=True)
class Limits:
    markdown_kb: int = 1024  # a topic file; the longest sample topic is about 8 KB
    value_chars: int = 2000  # one front-matter or settings value (a title, a summary)
    image_megapixels: int = 40  # an image, decoded (a full Letter page at 600 dpi is 34)
    nesting: int = 12  # lists and quotes inside each other
    render_seconds: int = 180  # one document, from Markdown to written PDF
    render_memory_mb: int = 3072  # one document's worker process, heap and mappings

    @property
    def markdown_bytes(self) -> int:
        return self.markdown_kb * 1024

    @property
    def image_pixels(self) -> int:
        return self.image_megapixels * 1_000_000

    def hint(self, key: str) -> str:
        """How to raise a limit, for the message that says it was reached."""
        return f"limit {getattr(self, key)} {LIMIT_KEYS[key]}; raise 'limits: {key}' in site.yaml if it is needed"


DEFAULT_LIMITS = Limits()


def read_limits(value: Any) -> tuple[Limits, list[str]]:
    """`limits:` from site.yaml: the limits, and one message per wrong entry."""
    if value is None:
        return DEFAULT_LIMITS, []
    if not isinstance(value, dict):
        return DEFAULT_LIMITS, ["'limits' must be a mapping such as 'render_seconds: 300'"]
    known = {f.name for f in fields(Limits)}
    chosen: dict[str, int] = {}
    errors = []
    for key, number in value.items():
        if key not in known:
            errors.append(f"unknown limit '{key}' (known: {', '.join(LIMIT_KEYS)})")
        elif isinstance(number, bool) or not isinstance(number, int) or number < 1:
            errors.append(f"limit '{key}' must be a whole number of {LIMIT_KEYS[key]}, 1 or more, got '{number}'")
        else:
            chosen[key] = number
    return Limits(**chosen), errors
