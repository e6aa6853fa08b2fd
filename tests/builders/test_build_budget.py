"""Every budget bounds the whole build: the web edition too, and a failed document is left out of it.

A document stopped at `render_seconds` has no web page, and the catalogue says it is not available
(in the reader's language); the web edition's topic pages are made in workers under the same
limits; Markdown that would take the converter minutes is refused before any of it. How long such
builds take is measured by benchmarks/hostile_inputs.py, not here.
"""

from __future__ import annotations

import time

from brochures.builders import web_pages, website
from brochures.builders.pipeline import Options, build
from brochures.builders.workers import WorkerPool

SITE = "organisation: Clinic\nphone: 514-555-0123\nlanguages: [en, fr]\nlimits:\n  render_seconds: 1\n"
TOPIC = "---\ntitle: {title}\nsummary: {title}.\n---\n## Part\n\n{body}\n"
SLOW_TABLE = "| n | a | b |\n|---|---|---|\n" + "".join(f"| {i} | a | b |\n" for i in range(2500))


def topics(catalogue, slow: str) -> object:
    files = {"site.yaml": SITE}
    for lang, fine, late in (("en", "Fine", "Slow"), ("fr", "Bien", "Lent")):
        files[f"fine/{lang}.md"] = TOPIC.format(title=fine, body="Some text.")
        files[f"slow/{lang}.md"] = TOPIC.format(title=late, body=slow)
    return catalogue(files, with_minimal=False)


def test_a_document_stopped_at_its_time_limit_has_no_web_page_and_the_catalogue_says_so(catalogue, tmp_path):
    content = topics(catalogue, SLOW_TABLE)
    result = build(Options(content_dir=content, out_dir=tmp_path / "out"), force=True)
    messages = [str(p) for p in result.problems]
    assert sorted(result.failed) == ["en/slow", "fr/slow"]
    assert sum("not built: rendering took too long (limit 1 seconds" in m for m in messages) == 2, messages
    out = tmp_path / "out"
    for lang, unavailable in (("en", "Not available at the moment."), ("fr", "Non disponible pour le moment.")):
        assert (out / lang / "fine" / "index.html").is_file() and not (out / lang / "slow").exists()
        page = (out / lang / "index.html").read_text(encoding="utf-8")
        assert page.count(unavailable) == 1 and 'href="fine/index.html"' in page and "slow/index.html" not in page


def test_markdown_the_converter_would_take_minutes_on_is_refused_before_rendering(catalogue, tmp_path):
    content = topics(catalogue, "[" * 50_000)
    result = build(Options(content_dir=content, out_dir=tmp_path / "out"), force=True)
    refused = [str(p) for p in result.problems if "too costly to read" in str(p)]
    assert len(refused) == 2 and all("50,000 '['" in line for line in refused)
    assert sorted(result.failed) == ["en/slow", "fr/slow"] and not (tmp_path / "out" / "en" / "slow").exists()
    assert (tmp_path / "out" / "en" / "fine.pdf").is_file()


def test_the_web_pages_are_made_under_the_documents_budget(catalogue, tmp_path, monkeypatch):
    """A topic page whose making outlasts `render_seconds` (here, made to) is stopped like a render."""
    def slow(page: web_pages.TopicPage):
        if page.job.name == "slow":
            time.sleep(60)
        return web_pages.make_topic_page(page)

    pool = WorkerPool(slow)
    monkeypatch.setattr(website, "shared_pool", lambda work: pool)
    try:
        content = topics(catalogue, "Some text too.")
        result = build(Options(content_dir=content, out_dir=tmp_path / "out"), force=True)
    finally:
        pool.close()
    lines = [str(p) for p in result.problems]
    assert sum("slow web page not built: rendering took too long (limit 1 seconds" in line for line in lines) == 2
    assert (tmp_path / "out" / "en" / "slow.pdf").is_file(), "its PDF is built"
    assert not (tmp_path / "out" / "en" / "slow" / "index.html").exists()
    assert "Not available at the moment." in (tmp_path / "out" / "en" / "index.html").read_text(encoding="utf-8")
