"""A render process prepares each raster image once: later documents get the same bytes, an
edited picture is prepared again, and a file that may no longer be read is refused again."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw
from weasyprint.images import RasterImage

from brochures.pdf import render
from brochures.pdf.images import PreparedImages
from brochures.pdf.render import render_pdf

PAGE_CSS = "@page { size: 300pt 400pt; margin: 20pt }"
HTML = """<!DOCTYPE html><html lang="en"><head><title>Pictures</title></head><body>
<h1>Pictures</h1><p><img src="logo.png" alt="Clinic logo" style="width: 60pt"></p>
<p><img src="photo.jpg" alt="A photo" style="width: 200pt"></p></body></html>"""


def _picture(path, mode: str, size: tuple[int, int], seed: int) -> None:
    image = Image.new(mode, size, (255, 255, 255, 0) if mode == "RGBA" else "white")
    draw = ImageDraw.Draw(image)
    for i in range(40):
        x, y = (i * 37 * seed) % size[0], (i * 53 + seed) % size[1]
        draw.ellipse([x, y, x + 30, y + 30], fill=(i * 6 % 256, 80, 160, 200) if mode == "RGBA" else (i * 6 % 256, 80, 160))
    out = io.BytesIO()
    image.save(out, format="PNG" if path.suffix == ".png" else "JPEG", quality=90)
    path.write_bytes(out.getvalue())


@pytest.fixture
def made(monkeypatch):
    """How many raster images WeasyPrint prepared; a fresh store of prepared images."""
    count = []
    original = RasterImage.__init__

    def counted(self, *args, **kwargs):
        count.append(1)
        original(self, *args, **kwargs)

    monkeypatch.setattr(RasterImage, "__init__", counted)
    monkeypatch.setattr(render, "PREPARED_IMAGES", PreparedImages())
    return count


def _fresh(tmp_path, monkeypatch) -> bytes:
    monkeypatch.setattr(render, "PREPARED_IMAGES", PreparedImages())
    return render_pdf(HTML, tmp_path, [], PAGE_CSS, [tmp_path]).data


def test_a_later_document_gets_the_prepared_images_and_the_same_bytes(tmp_path, made, monkeypatch):
    # A logo 4× wider than it prints, so that writing makes a print-resolution copy.
    _picture(tmp_path / "logo.png", "RGBA", (1000, 300), 1)  # transparent: written with a mask
    _picture(tmp_path / "photo.jpg", "RGB", (800, 500), 2)
    first = render_pdf(HTML, tmp_path, [], PAGE_CSS, [tmp_path])
    assert len(made) == 2 and first.pages == 1 and not first.warnings
    second = render_pdf(HTML, tmp_path, [], PAGE_CSS, [tmp_path])
    third = render_pdf(HTML, tmp_path, [], PAGE_CSS, [tmp_path])
    assert len(made) == 2, "the later documents prepared no image"
    assert second.data == third.data == first.data == _fresh(tmp_path, monkeypatch)


def test_an_edited_picture_is_prepared_again(tmp_path, made, monkeypatch):
    _picture(tmp_path / "logo.png", "RGBA", (1000, 300), 1)
    _picture(tmp_path / "photo.jpg", "RGB", (800, 500), 2)
    before = render_pdf(HTML, tmp_path, [], PAGE_CSS, [tmp_path]).data
    _picture(tmp_path / "photo.jpg", "RGB", (800, 500), 3)  # same size, other pixels
    after = render_pdf(HTML, tmp_path, [], PAGE_CSS, [tmp_path]).data
    assert len(made) == 3, "only the edited photo was prepared again"
    assert after != before
    assert after == _fresh(tmp_path, monkeypatch)


def test_a_picture_that_may_no_longer_be_read_is_refused_again(tmp_path, made):
    folder = tmp_path / "content"
    folder.mkdir()
    _picture(folder / "logo.png", "RGBA", (1000, 300), 1)
    _picture(folder / "photo.jpg", "RGB", (800, 500), 2)
    render_pdf(HTML, folder, [], PAGE_CSS, [folder])
    outside = tmp_path / "secret.jpg"
    _picture(outside, "RGB", (800, 500), 4)
    (folder / "photo.jpg").unlink()
    (folder / "photo.jpg").symlink_to(outside)
    again = render_pdf(HTML, folder, [], PAGE_CSS, [folder])
    assert [url.rsplit("/", 1)[-1] for url in again.refused_urls] == ["photo.jpg"]
    assert any("Failed to load image" in message for message in again.warnings)
