"""`build.py serve` answers a save in order: the topic's web page first (its open page reloads
while the PDF still has its old bytes), then the brochure; saves made during a rebuild are built
by the next one; a broken save shows its problem on the open page, and a good one removes it."""

from __future__ import annotations

import http.client
import queue
import re
import signal
import threading
import time

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser import axe_violations, needs_chromium
from tests.conftest import pdf_text, write_tree
from tests.preview.test_server import TIMEOUT, Server, topic


@pytest.fixture
def served(tmp_path):
    content = write_tree(tmp_path / "content", {
        "site.yaml": "organisation: Clinic\nphone: 514-555-0123\nlanguages: [en]\n",
        "alpha/en.md": topic("Alpha"),
        "beta/en.md": topic("Beta"),
        "bundles.yaml": "both:\n  title:\n    en: Both topics\n  topics: [alpha, beta]\n",
    })
    server = Server(content, tmp_path / "dist")
    yield server, content, tmp_path / "dist"
    if server.process.poll() is None:
        assert server.stop(signal.SIGTERM)[0] == 0


def since(body: bytes) -> int:
    found = re.search(rb'data-since="(\d+)"', body)
    assert found, "every page the preview serves says which change it shows"
    return int(found.group(1))


def listen(server: Server, watch: str, after: int, heard: queue.Queue) -> None:
    """Each reload event of the stream a page showing `watch` opens, with what was on disk then."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=TIMEOUT)
    connection.request("GET", f"/_preview/events?watch={watch}&since={after}")
    for line in connection.getresponse():
        if line.startswith(b"event: reload"):
            heard.put(time.monotonic())
            return


def append(path, text: str) -> None:
    with path.open("a", encoding="utf-8") as file:
        file.write(f"\n{text}\n")


def test_the_web_page_reloads_before_the_pdf_is_written(served):
    server, content, out = served
    pdf = out / "en" / "alpha.pdf"
    old = pdf.read_bytes()
    page_heard: queue.Queue = queue.Queue()
    pdf_heard: queue.Queue = queue.Queue()
    page_since = since(server.get("/en/alpha/index.html")[1])
    doc_since = since(server.get("/_preview/doc?pdf=en/alpha.pdf")[1])
    threading.Thread(target=listen, args=(server, "en/alpha/index.html", page_since, page_heard), daemon=True).start()
    threading.Thread(target=listen, args=(server, "en/alpha.pdf", doc_since, pdf_heard), daemon=True).start()
    time.sleep(0.3)
    append(content / "alpha" / "en.md", "A sentence added by the writer.")

    page_heard.get(timeout=TIMEOUT)
    assert pdf.read_bytes() == old, "the page's reload came before its brochure was written"
    assert pdf_heard.empty()
    assert b"A sentence added by the writer." in server.get("/en/alpha/index.html")[1]
    pdf_heard.get(timeout=TIMEOUT)
    assert "A sentence added by the writer." in pdf_text(pdf), "the PDF preview reloads once its PDF is written"
    server.wait_for("rebuilt")


def test_a_save_during_a_rebuild_is_built_by_the_next_one(served):
    server, content, out = served
    append(content / "alpha" / "en.md", "First edit, in alpha.")
    time.sleep(0.4)  # the rebuild for the first save is under way
    append(content / "beta" / "en.md", "Second edit, in beta.")
    deadline = time.monotonic() + TIMEOUT
    while not ("First edit" in pdf_text(out / "en" / "alpha.pdf") and "Second edit" in pdf_text(out / "en" / "beta.pdf")
               and "Second edit" in pdf_text(out / "en" / "bundles" / "both.pdf")):
        assert time.monotonic() < deadline, "a save made during a rebuild was lost"
        time.sleep(0.2)
    for page, edit in (("alpha", b"First edit"), ("beta", b"Second edit")):
        assert edit in (out / "en" / page / "index.html").read_bytes()


@needs_chromium
def test_a_broken_save_shows_its_problem_on_the_open_page_until_a_good_save(served, browser):
    server, content, out = served
    source = content / "alpha" / "en.md"
    good = source.read_text(encoding="utf-8")
    browser.get(server.url("/en/alpha/index.html"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Alpha"
    assert not browser.find_elements(By.ID, "preview-problems")

    source.write_text("---\ntitle: [unclosed\n---\nText\n", encoding="utf-8")
    box = WebDriverWait(browser, TIMEOUT).until(lambda b: b.find_elements(By.ID, "preview-problems"))[0]
    assert re.search(r"alpha/en\.md:2: front matter", box.text), box.text
    assert box.get_attribute("role") == "alert"
    assert browser.find_element(By.TAG_NAME, "h1").text == "Alpha", "the last good page stays below the problem"
    assert axe_violations(browser) == []
    assert b"preview-problems" not in (out / "en" / "alpha" / "index.html").read_bytes(), "never published"
    doc = server.get("/_preview/doc?pdf=en/alpha.pdf")[1].decode()
    assert re.search(r'id="preview-problems".*alpha/en\.md:2: front matter', doc, re.S), "the PDF preview too"
    assert "preview-problems" not in server.get("/en/beta/index.html")[1].decode(), "only on the broken topic"

    source.write_text(good.replace("title: Alpha", "title: Alpha again"), encoding="utf-8")
    WebDriverWait(browser, TIMEOUT).until(lambda b: b.find_element(By.TAG_NAME, "h1").text == "Alpha again")
    assert not browser.find_elements(By.ID, "preview-problems")


def test_an_image_over_the_limit_shows_its_problem_on_the_page_until_a_good_save(served):
    server, content, out = served
    from PIL import Image

    Image.new("RGB", (1300, 1000), "white").save(content / "alpha" / "big.png")  # 1.3 megapixels
    site = content / "site.yaml"
    site.write_text(site.read_text() + "limits:\n  image_megapixels: 1\n")
    server.wait_for("rebuilt")
    append(content / "alpha" / "en.md", "![A large picture](big.png)")
    deadline = time.monotonic() + TIMEOUT
    while "preview-problems" not in (page := server.get("/en/alpha/index.html")[1].decode()):
        assert time.monotonic() < deadline, "the image's problem never showed on the page"
        time.sleep(0.05)
    assert re.search(r"alpha/en\.md:\d+: .*big\.png.*over the limit", page), page
    assert "preview-problems" not in (out / "en" / "alpha" / "index.html").read_text()

    source = content / "alpha" / "en.md"
    source.write_text(source.read_text().replace("![A large picture](big.png)", "A picture, later."))
    while "preview-problems" in server.get("/en/alpha/index.html")[1].decode():
        assert time.monotonic() < deadline + TIMEOUT, "the good save never removed the problem"
        time.sleep(0.05)
