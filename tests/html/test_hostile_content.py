"""Content from outside is printed, never obeyed: nothing runs, nothing is fetched, nothing leaks.

Hostile markup still gives a brochure (exit 0) with a warning for each thing refused, so an
editor can fix the file; a local TCP listener proves that no URL was ever opened.
"""

from __future__ import annotations

import os
import socket
import struct
import threading
import time
import zlib
from pathlib import Path

import pytest
from pypdf import PdfReader

from brochures.html.phones import tel_href
from brochures.pdf.fetcher import LocalFileFetcher
from tests.conftest import pdf_text


class Listener:
    """A TCP server on 127.0.0.1 that only counts connections: any fetch attempt shows up here."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.socket.settimeout(0.1)
        self.port = self.socket.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.socket.accept()
            except (TimeoutError, socket.timeout):
                continue
            except OSError:
                return
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.socket.close()


@pytest.fixture
def listener():
    server = Listener()
    # Prove the listener counts before trusting its zero.
    with socket.create_connection(("127.0.0.1", server.port), timeout=2):
        pass
    for _ in range(50):
        if server.connections:
            break
        time.sleep(0.02)
    assert server.connections == 1
    server.connections = 0
    yield server
    server.close()


def tiny_png() -> bytes:
    """A valid 1×1 RGB PNG, written by hand."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x20\x60\xa0")  # filter byte, then one RGB pixel
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def link_uris(pdf: Path) -> list[str]:
    """The targets of every link annotation in the PDF."""
    uris = []
    for page in PdfReader(pdf).pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action is not None and "/URI" in action:
                uris.append(str(action["/URI"]))
    return uris


def image_count(pdf: Path) -> int:
    """Image XObjects drawn on the pages, looking inside form XObjects too."""

    def count(resources, seen: set[int]) -> int:
        total = 0
        xobjects = resources.get_object().get("/XObject") if resources is not None else None
        for ref in (xobjects.get_object() if xobjects is not None else {}).values():
            obj = ref.get_object()
            if id(obj) in seen:
                continue
            seen.add(id(obj))
            if obj.get("/Subtype") == "/Image":
                total += 1
            elif obj.get("/Subtype") == "/Form":
                total += count(obj.get("/Resources"), seen)
        return total

    seen: set[int] = set()  # pages may share one resource dictionary
    return sum(count(page.get("/Resources"), seen) for page in PdfReader(pdf).pages)


def hostile_body(port: int) -> str:
    return f"""\
---
title: Hostile topic
---
## Section

Intro text that prints.

<script>alert("PWNED-SCRIPT")</script>

<iframe src="http://127.0.0.1:{port}/">IFRAME-TEXT</iframe>

<object data="file:///etc/passwd">OBJECT-TEXT</object>

<embed src="x">

<style>body{{background:url(http://127.0.0.1:{port}/x.png)}}</style>

![r](http://127.0.0.1:{port}/remote.png)

![f](file:///etc/hostname)

![t](../../../../etc/hostname.png)

<img src="/etc/passwd">

[j](javascript:alert(1))

[f](file:///etc/passwd)

<span onclick="x()" style="background:url(http://127.0.0.1:{port}/s.png)">ok</span>

<link rel="stylesheet" href="http://127.0.0.1:{port}/x.css">

![escape](escape.png)

![nested](drawing.svg)

The end of the hostile text.
"""


# A picture in the topic folder that itself points outside: only the fetcher stands in the way.
def hostile_svg(port: int) -> str:
    return f"""\
<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20">
  <image href="http://127.0.0.1:{port}/svg.png" width="10" height="10"/>
  <image href="file:///etc/passwd" width="10" height="10"/>
  <rect width="5" height="5" fill="#246"/>
</svg>
"""


# (file line, start of the warning): one for each thing refused in `hostile_body`.
EXPECTED_WARNINGS = [
    (8, "removed <script>"),
    (10, "removed <iframe>"),
    (12, "removed <object>"),
    (14, "removed <embed>"),
    (16, "removed <style>"),
    (18, "refused remote image 'http://127.0.0.1:{port}/remote.png'"),
    (20, "refused 'file:' image 'file:///etc/hostname'"),
    (22, "refused image '../../../../etc/hostname.png': images must sit in the topic folder"),
    (24, "refused image outside the topic folder '/etc/passwd'"),
    (26, "removed 'javascript:' link 'javascript:alert(1)'"),
    (28, "removed 'file:' link 'file:///etc/passwd'"),
    (30, "removed attribute 'onclick' from <span>"),
    (30, "removed attribute 'style' from <span>"),
    (32, "removed <link>"),
    (34, "refused image 'escape.png': images must sit in the topic folder"),
]
LEAKS = ("PWNED", "IFRAME-TEXT", "OBJECT-TEXT", "alert(", "/etc/passwd", "/etc/hostname", "root:x:0:0")


def test_hostile_content_is_refused_and_nothing_is_fetched(catalogue, build, listener):
    port = listener.port
    content = catalogue({
        "evil/en.md": hostile_body(port),
        "evil/drawing.svg": hostile_svg(port),
        "secret.png": tiny_png(),  # inside the content folder, but not the topic's
    })
    os.symlink(content / "secret.png", content / "evil" / "escape.png")

    run = build(content, "--lang", "en", "--html")

    assert run.code == 0, run.err
    assert "Traceback" not in run.err
    assert listener.connections == 0
    pdf = run.out_dir / "en" / "evil.pdf"
    assert pdf.is_file()

    src = content / "evil" / "en.md"
    for line, message in EXPECTED_WARNINGS:
        expected = f"{src}:{line}: warning: {message.format(port=port)}"
        assert expected in run.lines or any(l.startswith(expected) for l in run.lines), (expected, run.err)
    # What the sanitiser let through (an SVG drawing) is held back by the fetcher, and said so.
    for url in (f"http://127.0.0.1:{port}/svg.png", "file:///etc/passwd"):
        assert f"{src}: warning: refused to read '{url}'" in run.err
    assert all(": warning: " in line for line in run.lines if not line.startswith("done: "))

    text = pdf_text(pdf)
    assert "Intro text that prints." in text and "The end of the hostile text." in text
    for leak in LEAKS:
        assert leak not in text
    html = pdf.with_suffix(".print.html").read_text(encoding="utf-8")
    for leak in (*LEAKS, "127.0.0.1", "javascript:", "onclick", "file:///etc"):
        assert leak not in html

    for uri in link_uris(pdf):
        assert not uri.lower().startswith(("javascript:", "file:")), uri
        assert "127.0.0.1" not in uri and "/etc/" not in uri, uri
    # No remote or escaped picture got in (the drawing is vector, not an image).
    assert image_count(pdf) == image_count(run.out_dir / "en" / "minimal.pdf")


FRIENDLY_BODY = """\
---
title: Friendly topic
---
## Calling us

Call 1-800-363-0063 today, or (514) 555-0123 at night.

Not a link in code: `514-555-9999`.

    1-888-555-0000 in a code block

[1-866-555-0100](https://example.org/contact) is already a link.

<p><b>Urgent</b> <font>now</font>, call 1-844-555-0199.</p>

![a pixel](pixel.png)

![another pixel](images/pixel%20two.png)
"""


def test_safe_images_and_phone_links(catalogue, build):
    content = catalogue({
        "friendly/en.md": FRIENDLY_BODY,
        "friendly/pixel.png": tiny_png(),
        "friendly/images/pixel two.png": tiny_png(),
    })
    run = build(content, "--lang", "en")

    assert run.code == 0, run.err
    assert all(" ppi " in line for line in run.lines if "pixel" in line)  # only the soft 1-pixel image
    [warning] = [line for line in run.lines if ": warning: " in line and " ppi " not in line]
    assert "removed <font>" in warning  # its text is kept, and the phone number in it linked
    pdf = run.out_dir / "en" / "friendly.pdf"
    assert image_count(pdf) == image_count(run.out_dir / "en" / "minimal.pdf") + 2

    uris = link_uris(pdf)
    assert sorted(u for u in uris if u.startswith("tel:")) == [
        "tel:+15145550123", "tel:+18003630063", "tel:+18445550199",
    ]
    assert "https://example.org/contact" in uris
    text = pdf_text(pdf)
    for shown in ("1-800-363-0063", "514-555-9999", "1-888-555-0000", "1-844-555-0199"):
        assert shown in text


@pytest.mark.parametrize("phone, href", [
    ("1-800-363-0063", "tel:+18003630063"),
    ("1 800 363 0063", "tel:+18003630063"),
    ("+1 (514) 555-0123", "tel:+15145550123"),
    ("(514) 555-0123", "tel:+15145550123"),
    ("514.555.0123", "tel:+15145550123"),
    ("514-555-0123", "tel:+15145550123"),
    ("+33 1 23 45 67 89", "tel:+33123456789"),
    ("911", "tel:911"),
])
def test_tel_href(phone, href):
    assert tel_href(phone) == href


@pytest.fixture
def roots(tmp_path: Path):
    root = tmp_path / "root"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "ok.css").write_text("p { color: red }", encoding="utf-8")
    (tmp_path / "outside.txt").write_text("secret", encoding="utf-8")
    os.symlink(tmp_path / "outside.txt", root / "link.css")
    return root


def test_fetcher_serves_files_under_its_roots(roots):
    fetcher = LocalFileFetcher([roots])
    response = fetcher.fetch((roots / "sub" / "ok.css").as_uri())
    assert response.read() == b"p { color: red }"
    assert response.content_type == "text/css"
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"
    assert fetcher.refused == []


def test_fetcher_refuses_everything_else(roots, listener):
    fetcher = LocalFileFetcher([roots])
    outside = roots.parent / "outside.txt"
    refused = [
        outside.as_uri(),
        (roots / "link.css").as_uri(),  # a symlink inside the root, pointing out of it
        roots.as_uri() + "/../outside.txt",
        (roots / "sub").as_uri(),  # a folder
        (roots / "missing.css").as_uri(),
        "file:///etc/passwd",
        "file:///etc/hostname",
        "file://example.org" + str(roots / "sub" / "ok.css"),
        f"http://127.0.0.1:{listener.port}/x.css",
        f"https://127.0.0.1:{listener.port}/x.css",
        f"ftp://127.0.0.1:{listener.port}/x.css",
        "javascript:alert(1)",
    ]
    for url in refused:
        with pytest.raises(ValueError, match="refused"):
            fetcher.fetch(url)
    assert fetcher.refused == refused
    assert listener.connections == 0
