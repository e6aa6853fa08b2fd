"""The one user-facing error type: a problem in someone's input, located by path and line.

Every stage reports bad input through `Problem`, printed as ``path:line: message`` like
compilers and Sphinx do, so that an editor can jump to it. Any other exception is a bug.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Literal

Severity = Literal["error", "warning"]
# Characters that would break the one line a problem prints on, or print invisibly.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input; errors stop that output, warnings do not."""

    path: Path | None
    message: str
    line: int | None = None
    severity: Severity = "error"

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{_display(self.path)}:"
            if self.line is not None:
                where += f"{self.line}:"
            where += " "
        prefix = "warning: " if self.severity == "warning" else ""
        return one_line(f"{where}{prefix}{self.message}")


class ContentError(Exception):
    """Raised to abandon one unit of work (a file, a topic) after its problems are known."""

    def __init__(self, *problems: Problem) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def one_line(text: str) -> str:
    """`text` with each control character (a newline, a vertical tab) written as its code, `U+000B`."""
    return _CONTROL.sub(lambda m: f"U+{ord(m.group()):04X}", text)


def _display(path: Path) -> str:
    """Show paths relative to the working folder when possible: shorter and clickable."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def did_you_mean(word: str, known: Iterable[str]) -> str:
    """A hint naming the closest known word, or the list of known words."""
    known = sorted(known)
    close = difflib.get_close_matches(word, known, n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    return "known: " + ", ".join(known) if known else "none are known"


def has_errors(problems: Iterable[Problem]) -> bool:
    return any(p.severity == "error" for p in problems)
