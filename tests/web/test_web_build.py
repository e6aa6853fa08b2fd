"""The web edition is built with the PDFs: incremental, byte-reproducible, self-contained,
beside the print HTML without a collision, skipped with --no-web, and broken input stays local."""

from __future__ import annotations

from pathlib import Path

from brochures.builders.pipeline import Options, build
from tests.conftest import write_tree
from tests.html.test_hostile_content import tiny_png

TOPIC = """\
---
title: {title}
summary: What to expect.
related: [{related}]
---
## Before

Call 514-555-0199 if you have a fever.

![A nurse and a patient]({image})
"""


def tiny_catalogue(root: Path) -> Path:
    return write_tree(root, {
        "site.yaml": "organisation: Clinic\nphone: 514-555-0123\nlanguages: [en]\n",
        "alpha/en.md": TOPIC.format(title="Alpha", related="beta", image="photo.png"),
        "alpha/photo.png": tiny_png(),
        "beta/en.md": TOPIC.format(title="Beta", related="alpha", image="photo.png"),
        "beta/photo.png": tiny_png(),
    })


def web_files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.suffix != ".pdf" and not p.name.startswith(".") and p.name != "build-report.json"}


def test_incremental_reproducible_and_self_contained(tmp_path):
    content = tiny_catalogue(tmp_path / "content")
    first, second = tmp_path / "one", tmp_path / "two"
    result = build(Options(content_dir=content, out_dir=first))
    assert result.ok, [str(p) for p in result.problems]
    assert build(Options(content_dir=content, out_dir=second)).ok
    files = web_files(first)
    assert files == web_files(second), "same input, same bytes"
    assert {"index.html", "en/index.html", "en/alpha/index.html", "en/alpha/photo.png", "en/beta/index.html",
            "assets/web.css", "assets/print.css", "assets/filter.js",
            "assets/fonts/AtkinsonHyperlegible-Regular.ttf"} <= set(files)
    page = files["en/alpha/index.html"].decode()
    assert '<img alt="A nurse and a patient" src="photo.png">' in page and str(tmp_path) not in page and "file:" not in page
    assert '<a href="../beta/index.html">Beta</a>' in page
    assert '<a href="../alpha.pdf" type="application/pdf">' in page

    times = {p: p.stat().st_mtime_ns for p in first.rglob("*") if p.is_file()}
    again = build(Options(content_dir=content, out_dir=first))
    assert again.web == [] and again.rendered == []
    assert {p: p.stat().st_mtime_ns for p in first.rglob("*") if p.is_file()} == times, "a no-op build rewrites nothing"

    (content / "beta" / "en.md").write_text(TOPIC.format(title="Bravo", related="alpha", image="photo.png"))
    edited = build(Options(content_dir=content, out_dir=first))
    written = sorted(str(o.path.relative_to(first)) for o in edited.web)
    assert written == ["en/alpha/index.html", "en/beta/index.html", "en/index.html"]
    assert "Bravo" in (first / "en" / "index.html").read_text()


def test_print_html_keeps_its_own_name_and_no_web_skips_the_edition(tmp_path):
    content = tiny_catalogue(tmp_path / "content")
    out = tmp_path / "out"
    result = build(Options(content_dir=content, out_dir=out, topics=("alpha",), write_html=True, web=False))
    assert result.ok
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*.html")) == ["en/alpha.print.html"]
    assert build(Options(content_dir=content, out_dir=out, topics=("alpha",), write_html=True)).ok
    assert (out / "en" / "alpha.print.html").is_file() and (out / "en" / "alpha" / "index.html").is_file()


def test_a_broken_topic_is_left_out_and_a_deleted_one_removed(tmp_path):
    content = tiny_catalogue(tmp_path / "content")
    out = tmp_path / "out"
    assert build(Options(content_dir=content, out_dir=out)).ok
    (content / "beta" / "en.md").write_text("---\ntitle: [unclosed\n---\nText\n")
    result = build(Options(content_dir=content, out_dir=out))
    assert not result.ok and any("beta/en.md" in str(p) for p in result.problems)
    assert "Beta" in (out / "en" / "beta" / "index.html").read_text(), "the last good page stays"
    assert "Beta" not in (out / "en" / "index.html").read_text()
    (content / "alpha" / "en.md").write_text(TOPIC.format(title="Alpha", related="", image="photo.png"))
    for path in (content / "beta").iterdir():
        path.unlink()
    (content / "beta").rmdir()
    assert build(Options(content_dir=content, out_dir=out)).ok
    assert not (out / "en" / "beta" / "index.html").exists() and not (out / "en" / "beta" / "photo.png").exists()


def test_images_in_subfolders_with_spaces_and_decorative_ones_are_copied(tmp_path):
    content = write_tree(tmp_path / "content", {
        "site.yaml": "languages: [en]\n",
        "pic/en.md": "---\ntitle: Pictures\n---\n![A chart](images/pixel%20two.png)\n\n"
                     "![](band.png){: .decorative }\n",
        "pic/images/pixel two.png": tiny_png(),
        "pic/band.png": tiny_png(),
    })
    out = tmp_path / "out"
    result = build(Options(content_dir=content, out_dir=out))
    assert result.ok, [str(p) for p in result.problems]
    page = (out / "en" / "pic" / "index.html").read_text(encoding="utf-8")
    assert 'src="images/pixel%20two.png"' in page and "url(&quot;band.png&quot;)" in page and "file:" not in page
    assert (out / "en" / "pic" / "images" / "pixel two.png").read_bytes() == tiny_png()
    assert (out / "en" / "pic" / "band.png").is_file()
