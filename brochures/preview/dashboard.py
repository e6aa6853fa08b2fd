"""The editorial dashboard of `serve`: every topic and language with the facts an editor acts on.

Status and review dates, translation state, reading level against the site target, the PDF's
pages and size, and the problems of the last build. It is computed after each build from the
catalogue and the build record, rendered as one local page, and never written to the output
folder: it is not part of the published web edition.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from html import escape
from pathlib import Path

from brochures.builders.pipeline import BuildResult
from brochures.builders.record import BuildRecord
from brochures.content.catalogue import Catalogue, Topic, load_catalogue
from brochures.content.editions import edition_catalogue, load_editions
from brochures.content.review import next_review
from brochures.content.settings import format_size
from brochures.content.sync import fingerprint, source_language
from brochures.html.readability import measure
from brochures.html.topic import topic_context
from brochures.problems import ContentError


@dataclass(frozen=True)
class Row:
    topic: str
    lang: str
    title: str
    status: str  # draft, approved, or error (the file does not load)
    reviewed_by: str
    next_review: datetime.date | None
    overdue: bool
    translation: str  # source, current, stale, not marked, missing, orphan
    reading: str  # "grade 5.6 (target ≤ 8)"
    reading_ok: bool | None
    pdf: str | None  # relative to the output folder, when built
    pages: int
    size: int
    web: str | None  # the topic's web page, when built


@dataclass(frozen=True)
class Snapshot:
    rows: tuple[Row, ...]
    problems: tuple[str, ...]  # path:line: message, as the build printed them
    ok: bool


def snapshot(content_dir: Path, out_dir: Path, result: BuildResult, today: datetime.date,
             edition: str | None = None) -> Snapshot:
    """What the dashboard shows after a build; of one edition's folder (`out_dir`) when `edition`."""
    problems = tuple(dict.fromkeys(str(p) for p in sorted(result.problems, key=lambda p: p.severity != "error")))
    try:
        catalogue = load_catalogue(content_dir)
        if edition is not None:
            published = next((e for e in load_editions(catalogue) or () if e.id == edition), None)
            if published is None:
                return Snapshot((), problems, False)  # the build said why
            catalogue = edition_catalogue(catalogue, published)
    except ContentError as exc:
        return Snapshot((), tuple(str(p) for p in exc.problems) + problems, False)
    record = BuildRecord.load(out_dir)
    rows = [row_for(catalogue, topic, lang, record, out_dir, today)
            for topic in catalogue.topics.values() for lang in catalogue.site.languages]
    return Snapshot(tuple(rows), problems, result.ok)


def row_for(catalogue: Catalogue, topic: Topic, lang: str, record: BuildRecord, out_dir: Path,
            today: datetime.date) -> Row:
    site = catalogue.site
    translation = topic.translations.get(lang)
    path = topic.folder / f"{lang}.md"
    src_lang = source_language(topic, site.source_language)
    source = topic.translations.get(src_lang)
    entry = record.entries.get(f"{lang}/{topic.id}")
    pdf = f"{lang}/{topic.id}.pdf"
    built = entry is not None and (out_dir / pdf).is_file()
    web = f"{lang}/{topic.id}/index.html"
    common = dict(topic=topic.id, lang=lang, pdf=pdf if built else None, pages=entry.pages if built else 0,
                  size=(out_dir / pdf).stat().st_size if built else 0,
                  web=web if (out_dir / web).is_file() else None)
    if translation is None:
        state = "missing" if not path.exists() else ("source" if lang == src_lang else "unknown")
        return Row(title="", status="error" if path.exists() else "missing", reviewed_by="", next_review=None,
                   overdue=False, translation=state, reading="", reading_ok=None, **common)
    if lang == src_lang:
        state = "source"
    elif source is None:
        state = "orphan" if not (topic.folder / f"{src_lang}.md").exists() else "unknown"
    elif translation.translation_of is None:
        state = "not marked"
    else:
        state = "current" if translation.translation_of == fingerprint(source) else "stale"
    due = next_review(translation.reviewed, site.review_months) if translation.reviewed else None
    targets = dict(site.readability)
    context, _ = topic_context(catalogue, translation)
    score = measure(context.body_html, lang)
    target = f"≤ {targets['grade']:g}" if lang == "en" else f"≥ {targets['kandel_moles']:g}"
    reading = f"{'grade' if lang == 'en' else 'ease'} {score.score:g} (target {target})"
    return Row(title=translation.title, status=translation.status, reviewed_by=translation.reviewed_by or "",
               next_review=due, overdue=due is not None and due < today, translation=state, reading=reading,
               reading_ok=score.meets(targets), **common)


STYLE = """
body { font: 16px/1.45 system-ui, sans-serif; margin: 1rem 2rem; color: #111; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #999; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #e8eef2; }
.bad { color: #8c1d18; font-weight: 700; }
.good { color: #1d5e20; }
.problems li { font-family: ui-monospace, monospace; white-space: pre-wrap; }
.pages { display: flex; flex-wrap: wrap; gap: 1rem; }
.pages img { border: 1px solid #666; width: 300px; height: auto; }
.preview { display: grid; grid-template-columns: minmax(320px, 1fr) minmax(320px, 1fr); gap: 1rem; }
iframe { width: 100%; height: 85vh; border: 1px solid #666; }
"""


def _page(title: str, body: str) -> bytes:
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>{escape(title)}</title>\n'
            f'<style>{STYLE}</style>\n</head>\n<body>\n<main>\n{body}\n</main>\n'
            '<script src="/_preview/reload.js"></script>\n</body>\n</html>\n').encode("utf-8")


def dashboard_html(snap: Snapshot | None) -> bytes:
    if snap is None:
        return _page("Editorial dashboard", "<h1>Editorial dashboard</h1>\n<p>Building…</p>")
    rows = []
    for row in snap.rows:
        overdue = ' <span class="bad">overdue</span>' if row.overdue else ""
        review = f"{row.next_review.isoformat()}{overdue}" if row.next_review else "not reviewed"
        state_class = "good" if row.translation in ("current", "source") else "bad"
        reading_class = "" if row.reading_ok is None else ("good" if row.reading_ok else "bad")
        pdf = (f'<a href="/{escape(row.pdf)}">{row.pages} page{"s" if row.pages != 1 else ""}, '
               f"{format_size(row.size)}</a>") if row.pdf else "not built"
        links = []
        if row.web:
            links.append(f'<a href="/{escape(row.web)}">web page</a>')
        if row.pdf:
            links.append(f'<a href="/_preview/doc?pdf={escape(row.pdf)}">preview</a>')
        rows.append(
            f'<tr data-topic="{escape(row.topic)}" data-lang="{escape(row.lang)}">'
            f"<td>{escape(row.topic)}</td><td>{escape(row.lang)}</td><td>{escape(row.title)}</td>"
            f'<td class="status">{escape(row.status)}</td><td>{escape(row.reviewed_by)}</td>'
            f'<td class="review">{review}</td><td class="translation {state_class}">{escape(row.translation)}</td>'
            f'<td class="reading {reading_class}">{escape(row.reading)}</td><td class="pdf">{pdf}</td>'
            f"<td>{' · '.join(links)}</td></tr>")
    problems = "\n".join(f"<li>{escape(p)}</li>" for p in snap.problems) or "<li>none</li>"
    body = (
        "<h1>Editorial dashboard</h1>\n"
        f'<p>Last build: <strong class="{"good" if snap.ok else "bad"}">{"ok" if snap.ok else "failed"}</strong>. '
        'This page updates by itself after each save. <a href="/index.html">The web edition</a> '
        "(what is published; this dashboard is not).</p>\n"
        '<p><a href="/_preview/kit">Prepare a kit for a patient</a>: a cover letter and the brochures you choose, '
        "in one PDF to mail or print.</p>\n"
        "<table>\n<thead><tr><th>Topic</th><th>Language</th><th>Title</th><th>Status</th><th>Reviewed by</th>"
        "<th>Next review</th><th>Translation</th><th>Reading level</th><th>PDF</th><th>See</th></tr></thead>\n"
        f"<tbody>\n{chr(10).join(rows)}\n</tbody>\n</table>\n"
        f'<h2>Problems of the last build</h2>\n<ul class="problems">\n{problems}\n</ul>'
    )
    return _page("Editorial dashboard", body)


def preview_html(pdf: str, pages: int, web: str | None) -> bytes:
    """A brochure's pages as images beside its web page."""
    images = "\n".join(f'<img src="/_preview/page.png?pdf={escape(pdf)}&amp;page={n}" '
                       f'alt="Page {n + 1} of {pages}">' for n in range(pages))
    frame = (f'<iframe src="/{escape(web)}" title="Web page"></iframe>' if web else "<p>No web page.</p>")
    body = (f'<p><a href="/">Dashboard</a></p>\n<h1>{escape(pdf)}</h1>\n<div class="preview">\n'
            f'<section><h2>PDF</h2><div class="pages">{images}</div></section>\n'
            f"<section><h2>Web page</h2>{frame}</section>\n</div>")
    return _page(f"Preview of {pdf}", body)
