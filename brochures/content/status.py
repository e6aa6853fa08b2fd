"""A topic's review status: a draft until someone approves it, with who approved it and when.

A text nobody approved must never look ready to hand out, so `draft` is the default and prints a
mark on every page.
"""

from __future__ import annotations

from brochures.content.schema import Mapping

STATUSES = ("draft", "approved")
DEFAULT_STATUS = "draft"  # safe by default: only an explicit, signed approval removes the mark
REVIEW_MONTHS = 24


def read_status(mapping: Mapping, what: str) -> str:
    """`status`, which must be draft or approved; approved needs `reviewed` and `reviewed_by`."""
    status = mapping.text("status", what) or DEFAULT_STATUS
    if status not in STATUSES:
        mapping.error("status", f"{what}: 'status' must be draft or approved, got '{status}'")
        return DEFAULT_STATUS
    if status == "approved":
        needed = {"reviewed": "the date of the clinical review, YYYY-MM-DD",
                  "reviewed_by": "who reviewed it, e.g. a name or a committee"}
        for key, meaning in needed.items():
            if mapping.data.get(key) is None:
                mapping.error("status", f"{what}: 'status: approved' needs '{key}' ({meaning})")
    return status
