"""Hostile or broken content that reaches layout: deep nesting, image bombs, clinic templates,
stylesheets and catalogues that lead out of their folder. One line each, and the other
documents of the catalogue still build.
"""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from brochures.check import check_catalogue
from brochures.content.review import build_date
from tests.conftest import MINIMAL_EN, pdf_text


def png(width: int = 40, height: int = 30, noise: bool = False) -> bytes:
    out = io.BytesIO()
    image = Image.effect_noise((width, height), 80).convert("RGB") if noise else \
        Image.new("RGB", (width, height), (200, 30, 30))
    image.save(out, "PNG")
    return out.getvalue()


def bomb_png(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims `width` × `height` pixels (a decompression bomb)."""
    data = bytearray(png(1, 1))
    ihdr = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return bytes(data)


def nested_list(depth: int) -> str:
    return "".join(f"{'    ' * level}- level {level + 1}\n" for level in range(depth))


def topic(body: str, title: str = "Hostile") -> str:
    return f"---\ntitle: {title}\n---\n{body}\n"


def problems(content: Path) -> list[str]:
    return [str(p) for p in check_catalogue(content, build_date())]


@pytest.mark.parametrize("body", [
    nested_list(150),
    "> " * 300 + "deep quote\n",
    "<div>" * 3000 + "deep html" + "</div>" * 3000,
])
def test_deep_nesting_is_refused_with_the_limit(catalogue, body):
    content = catalogue({"deep/en.md": topic(body)})
    found = [m for m in problems(content) if "deep/en.md" in m]
    assert found and "nested" in found[0] and "raise 'limits: nesting' in site.yaml" in found[0], found


def test_nesting_under_the_limit_builds_and_over_it_fails_alone(catalogue, build):
    content = catalogue({"fine/en.md": topic(nested_list(6) + "\n> > > quoted\n"),
                         "deep/en.md": topic(nested_list(13))})
    run = build(content, "--lang", "en")
    assert run.code == 1 and "Traceback" not in run.err
    assert "level 6" in pdf_text(run.out_dir / "en" / "fine.pdf")
    assert (run.out_dir / "en" / "minimal.pdf").exists()
    assert "lists and quotes are nested 13 deep, over the limit (limit 12 levels" in run.err
    assert "1 failed" in run.err.splitlines()[-1]


@pytest.mark.parametrize("image, expected", [
    (bomb_png(60_000, 60_000), "claims to be far bigger than any picture"),
    (bomb_png(8_000, 6_000), "is 8000×6000 pixels, over the limit (limit 40 megapixels; raise "
                             "'limits: image_megapixels' in site.yaml"),
    (png(200, 200, noise=True)[:20_000], "cannot be decoded (image file is truncated"),
    (b"GIF89a but not really", "is not a PNG, JPEG, GIF or WebP picture"),
])
@pytest.mark.parametrize("decorative", [True, False])
def test_broken_and_oversized_images_are_errors_in_words(catalogue, image, expected, decorative):
    marker = "{: .decorative }" if decorative else ""
    content = catalogue({"pics/en.md": topic(f"![A picture](pic.png){marker}\n"), "pics/pic.png": image})
    found = [m for m in problems(content) if "pic.png" in m]
    assert found and expected in found[0], found
    assert ": warning:" not in found[0], "a missing image is an error"


def test_a_good_image_still_prints(catalogue, build):
    content = catalogue({"pics/en.md": topic("![A red square](pic.png)\n"), "pics/pic.png": png()})
    run = build(content, "--lang", "en")
    assert run.code == 0, run.err


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "passwd"
    path.write_text("root:x:0:0:SECRET-PASSWORD\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("place, expected", [
    ("templates/partials/review.html.j2", "templates/partials/review.html.j2: template: refused: it leads outside"),
    ("styles/brochure.css", "styles/brochure.css: stylesheet: refused: it leads outside"),
    ("locales/fr.po", "locales/fr.po: refused: it leads outside"),
])
def test_layout_files_leading_out_of_the_content_folder_are_refused(catalogue, build, secret, place, expected):
    content = catalogue({})
    (content / place).parent.mkdir(parents=True)
    (content / place).symlink_to(secret)
    run = build(content)
    assert run.code == 1 and "Traceback" not in run.err
    assert expected in run.err, run.err
    for pdf in run.out_dir.rglob("*.pdf"):
        assert "SECRET" not in pdf_text(pdf)


def test_an_include_of_the_project_template_through_a_link_is_refused(catalogue, build, secret):
    content = catalogue({"templates/partials/review.html.j2": '{% include "partials/leak.html.j2" %}'})
    (content / "templates" / "partials" / "leak.html.j2").symlink_to(secret)
    run = build(content, "--lang", "en")
    assert run.code == 1
    assert "templates/partials/leak.html.j2: template: refused: it leads outside its folder" in run.err
    assert not (run.out_dir / "en" / "minimal.pdf").exists()


@pytest.mark.parametrize("template, expected", [
    ('ok\n{% include "partials/review.html.j2" %}\n', "review.html.j2:2: template: includes or calls itself"),
    ("ok\n\n{{ 1 // 0 }}\n", "review.html.j2:3: template: integer division or modulo by zero"),
    ("{{ doc.nothing_here }}", "review.html.j2:1: template: 'brochures.html.page.PageContext object' has no "
                               "attribute 'nothing_here'"),
])
def test_template_errors_name_the_template_file_and_line(catalogue, build, template, expected):
    run = build(catalogue({"templates/partials/review.html.j2": template}), "--lang", "en")
    assert run.code == 1 and "Traceback" not in run.err
    assert expected in run.err, run.err


def test_a_template_looping_forever_fails_its_document_only(catalogue, build):
    slow = ("{% if doc.topics[0].topic_id == 'slow' %}{% for i in range(100000) %}{% for j in range(100000) %}"
            "{% endfor %}{% endfor %}{% endif %}")
    content = catalogue({"site.yaml": "languages: [en]\nlimits: {render_seconds: 3}\n",
                         "slow/en.md": MINIMAL_EN, "templates/partials/review.html.j2": slow})
    run = build(content, "--jobs", "1")
    assert run.code == 1 and "Traceback" not in run.err
    assert "en/slow not built: rendering took too long (limit 3 seconds; raise 'limits: render_seconds' in " \
           "site.yaml" in run.err
    assert (run.out_dir / "en" / "minimal.pdf").exists(), "the next document built in a fresh worker"
    assert "1 rendered" in run.err.splitlines()[-1] and "1 failed" in run.err.splitlines()[-1]
