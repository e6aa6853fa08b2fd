"""Every image is described for screen readers, or explicitly decorative and hidden from them."""

from __future__ import annotations

import pytest

from tests.conftest import structure
from tests.html.test_hostile_content import tiny_png

SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 20"><rect width="200" height="20"/></svg>'


# (body, expected "path:line: fragment")
MISSING_ALT = [
    pytest.param("Text.\n\n![](pixel.png)\n", "pic/en.md:6: image 'pixel.png' has no alt text", id="markdown"),
    pytest.param("Text.\n\n![  ](pixel.png)\n", "pic/en.md:6: image 'pixel.png' has no alt text", id="blank"),
    pytest.param("Text.\n\n<img src=\"pixel.png\">\n", "pic/en.md:6: image 'pixel.png' has no alt text", id="html"),
]


@pytest.mark.parametrize("body, expected", MISSING_ALT)
def test_an_image_without_alt_text_is_an_error(catalogue, build, body, expected):
    content = catalogue({"pic/en.md": f"---\ntitle: Pic\n---\n{body}", "pic/pixel.png": tiny_png()})
    run = build(content, "pic", "--lang", "en")
    assert run.code == 1
    assert any(expected in line and "{: .decorative }" in line for line in run.lines), run.err
    assert not (run.out_dir / "en" / "pic.pdf").exists()


def test_decorative_images_are_artifacts_and_described_ones_are_figures(catalogue, build):
    content = catalogue({
        "pic/en.md": "---\ntitle: Pic\n---\n![A blue dot](pixel.png)\n\n![](band.svg){: .decorative }\n\n"
                     "![](pixel.png){: .decorative }\n\nText.\n",
        "pic/pixel.png": tiny_png(),
        "pic/band.svg": SVG,
    })
    run = build(content, "pic", "--lang", "en")
    assert run.code == 0 and all(" ppi " in line for line in run.lines), run.err  # a 1-pixel image is soft
    figures = [alt for tag, alt in structure(run.out_dir / "en" / "pic.pdf") if tag == "Figure"]
    assert figures == ["A blue dot"]


def test_a_decorative_image_of_unknown_size_is_an_error(catalogue, build):
    content = catalogue({
        "pic/en.md": "---\ntitle: Pic\n---\n![](shape.svg){: .decorative }\n",
        "pic/shape.svg": '<svg xmlns="http://www.w3.org/2000/svg"><rect width="5" height="5"/></svg>',
    })
    run = build(content, "pic", "--lang", "en")
    assert run.code == 1
    assert any("pic/en.md:4: cannot read the size of decorative image 'shape.svg'" in line for line in run.lines)
