"""The review workflow: a topic is a draft until someone approves it, and is due for review again
after the site's review period.

A text nobody approved must never look ready to hand out, so `draft` is the default and prints a
mark on every page. The age check compares with a date the caller passes in (`build_date`),
never the clock deep inside, so tests and reproducible builds choose their own "today".
"""

from __future__ import annotations

import calendar
import datetime
import os
from typing import TYPE_CHECKING, Iterable

from .problems import Problem
from .schema import Mapping

if TYPE_CHECKING:  # frontmatter reads the status with this module
    from .frontmatter import Translation

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


def next_review(reviewed: datetime.date, months: int) -> datetime.date:
    """`reviewed` plus `months`, on the same day of the month or the month's last day."""
    month_index = reviewed.month - 1 + months
    year, month = reviewed.year + month_index // 12, month_index % 12 + 1
    return reviewed.replace(year=year, month=month, day=min(reviewed.day, calendar.monthrange(year, month)[1]))


def overdue_problems(translations: Iterable[Translation], months: int, today: datetime.date,
                     strict: bool) -> list[Problem]:
    """A problem for each text whose review period is over: a warning, or an error under --strict."""
    problems = []
    for translation in translations:
        if translation.reviewed is None:
            continue
        due = next_review(translation.reviewed, months)
        if due < today:
            problems.append(Problem(
                translation.src_path,
                f"review overdue: last reviewed {translation.reviewed.isoformat()}, next review was due "
                f"{due.isoformat()} (site.yaml 'review_months': {months}); have the text reviewed and "
                "update 'reviewed'",
                translation.reviewed_line,
                "error" if strict else "warning",
            ))
    return problems


def build_date() -> datetime.date:
    """The build's "today": SOURCE_DATE_EPOCH (UTC) when set, for reproducible builds, else the clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc).date()
    return datetime.date.today()
