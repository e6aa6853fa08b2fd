"""Measure, inside one build, the CPU time spent in WeasyPrint itself (parsing, layout, PDF).

Comparing a build with the WeasyPrint time inside that same run gives what our pipeline adds,
free of the noise between separate runs on a shared machine. The structure repair and the form
fields run inside `write_pdf` (a finisher, before the file is written): their time is ours.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Iterator

from weasyprint import HTML
from weasyprint.document import Document

from brochures.pdf import render


@contextmanager
def weasyprint_clock() -> Iterator[dict[str, float]]:
    spent = {"weasyprint": 0.0}
    originals = HTML.__init__, HTML.render, Document.write_pdf
    finish = render._finish

    def timed(function, sign: int = 1):
        def wrapper(*args, **kwargs):
            started = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                spent["weasyprint"] += sign * (time.process_time() - started)
        return wrapper

    HTML.__init__, HTML.render, Document.write_pdf = map(timed, originals)
    render._finish = timed(finish, -1)
    try:
        yield spent
    finally:
        HTML.__init__, HTML.render, Document.write_pdf = originals
        render._finish = finish
