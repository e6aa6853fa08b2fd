"""Review dates: an approved text is due for review again after the site's review period.

The age check compares with a date the caller passes in (`build_date`), never the clock deep inside, so tests and reproducible builds choose their own "today".
"""

from __future__ import annotations

import calendar
import datetime
import os
from typing import Iterable

from brochures.content.frontmatter import Translation
from brochures.problems import Problem


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
