"""Which open pages of the preview reload, and when; the problems shown over a topic's page.

Each page the preview serves names what it shows (its own file, or a brochure's PDF) and the
change it was served at. Its event stream says `reload` as soon as the build writes that file
or the web edition's assets, or when its topic's problems change: not at the end of the whole
build. A page served before a write and listening after it still hears of it (the change number
it was served at), so no reload is lost between the two requests.

The problems are the preview's own: added to the page as it is served, never written into the
published files. A save that breaks a topic shows its `path:line: message` lines at the top of
that topic's web page and PDF preview; a good save (or the end of the next build) removes them.
"""

from __future__ import annotations

import re
import threading
from html import escape
from pathlib import Path
from typing import Iterable

from brochures.problems import Problem
from brochures.web.pages import ASSETS, PDF_VARIANTS

SCRIPT = b'<script src="/_preview/reload.js"></script>'
_LANG_FILE = re.compile(r"^([a-z]{2,3}(?:-[A-Za-z0-9]+)*)\.md$")
_BODY = re.compile(rb"<body[^>]*>")
BANNER_STYLE = ("margin:0;padding:0.75rem 1rem;background:#fff0f0;color:#600;border-bottom:3px solid #a00;"
                "font:1rem/1.4 system-ui,sans-serif")


class Changes:
    """What the build wrote, numbered; and the problems of each topic, by "<lang>/<topic>"."""

    def __init__(self, root: Path, content_dir: Path, condition: threading.Condition) -> None:
        self.root = root.resolve()
        self.content_dir = content_dir.resolve()
        self.condition = condition
        self.number = 0
        self._versions: dict[str, int] = {}  # what a page watches → the number of its last change
        self.problems: dict[str, tuple[str, ...]] = {}  # "<lang>/<topic>" or "*/<topic>" → lines

    def written(self, paths: Iterable[str]) -> None:
        """Files the build has just written (absolute or relative to the working folder)."""
        keys = set()
        with self.condition:
            for text in paths:
                try:
                    rel = Path(text).resolve().relative_to(self.root).as_posix()
                except ValueError:
                    continue  # another edition's folder
                keys.add(ASSETS + "/" if rel.startswith(ASSETS + "/") else rel)
                topic = _topic_of(rel)
                if topic is not None and rel.endswith("/index.html") and topic in self.problems:
                    del self.problems[topic]  # the page was made: its topic's source reads again
            self._change(keys)

    def found(self, problems: list[Problem], everything: bool) -> None:
        """The errors found in the content. `everything`: a whole build's (the others are cleared);
        otherwise those found before rendering, added to what is shown."""
        now: dict[str, list[str]] = {}
        for problem in problems:
            if problem.severity == "error" and problem.path is not None:
                for key in self._topics_of(problem.path):
                    now.setdefault(key, []).append(str(problem))
        new = {key: tuple(dict.fromkeys(lines)) for key, lines in now.items()}
        with self.condition:
            if not everything:
                new = self.problems | new
            changed = {key for key in new.keys() | self.problems.keys() if new.get(key) != self.problems.get(key)}
            self.problems = new
            self._change({_problem_key(key) for key in changed})

    def latest(self, rel: str) -> int:
        """The number of the last change to what the page `rel` shows."""
        keys = [rel, _problem_key(_topic_of(rel) or "")]
        if rel.endswith(".html"):
            keys.append(ASSETS + "/")
        topic = _topic_of(rel)
        if topic is not None:
            keys.append(_problem_key("*/" + topic.split("/", 1)[1]))
        return max(self._versions.get(key, 0) for key in keys)

    def lines_for(self, rel: str) -> tuple[str, ...]:
        """The problems to show on the page `rel` (its topic's, in its language or all)."""
        topic = _topic_of(rel)
        if topic is None:
            return ()
        return self.problems.get(topic, ()) + self.problems.get("*/" + topic.split("/", 1)[1], ())

    def _change(self, keys: set[str]) -> None:
        if keys:
            self.number += 1
            for key in keys:
                self._versions[key] = self.number
            self.condition.notify_all()

    def _topics_of(self, path: Path) -> list[str]:
        try:
            parts = path.resolve().relative_to(self.content_dir).parts
        except ValueError:
            return []
        if len(parts) < 2 or parts[0].startswith("."):
            return []
        match = _LANG_FILE.match(parts[1]) if len(parts) == 2 else None
        return [f"{match.group(1)}/{parts[0]}" if match else f"*/{parts[0]}"]


def _problem_key(topic: str) -> str:
    return f"problems:{topic}"


def _topic_of(rel: str) -> str | None:
    """"<lang>/<topic>" of a topic's web page or of one of its PDFs; None for other files."""
    parts = rel.split("/")
    if len(parts) == 3 and parts[2] == "index.html":
        return f"{parts[0]}/{parts[1]}"
    if len(parts) == 2 and parts[1].endswith(".pdf"):
        stem = parts[1][:-4]
        for suffix in sorted(PDF_VARIANTS, key=len, reverse=True):
            if suffix and stem.endswith(suffix):
                stem = stem[: -len(suffix)]
                break
        return f"{parts[0]}/{stem}"
    return None


def with_reload(page: bytes, rel: str, since: int, problems: tuple[str, ...]) -> bytes:
    """`page` with the script that reloads it when what `rel` names changes after `since`, and
    its problems in a box at the top."""
    script = (f'<script src="/_preview/reload.js" data-watch="{escape(rel)}" data-since="{since}">'
              "</script>").encode()
    page = page.replace(SCRIPT, script, 1) if SCRIPT in page else page.replace(b"</body>", script + b"\n</body>", 1)
    if problems:
        page = _BODY.sub(lambda m: m.group(0) + banner(problems), page, count=1)
    return page


def banner(problems: tuple[str, ...]) -> bytes:
    """The problems of the last save, as the build printed them; the page below is the last good one."""
    items = "".join(f"<li><code>{escape(line)}</code></li>" for line in problems)
    return (f'\n<div id="preview-problems" role="alert" style="{BANNER_STYLE}"><p style="margin:0">'
            "<strong>Not updated: the last save has a problem.</strong> Below is the last version that built. "
            f'Only this preview shows this box.</p><ul style="margin:0.25rem 0 0">{items}</ul></div>\n').encode()
