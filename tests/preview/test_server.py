"""`build.py serve`: the dashboard shows each topic's status, an edit reloads the open page by
itself, nothing outside the output folder is served, and Ctrl-C or SIGTERM stop it with 0."""

from __future__ import annotations

import http.client
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from brochures.content.catalogue import load_catalogue
from brochures.content.sync import fingerprint
from tests.browser import needs_chromium
from tests.conftest import ROOT, write_tree
from tests.running import Running

TIMEOUT = 20


def topic(title: str, extra: str = "") -> str:
    return f"---\ntitle: {title}\n{extra}---\n## A section\n\nSome text for patients. Call us if you worry.\n"


def editorial_fixture(root: Path) -> Path:
    """A draft, an approved, an overdue topic, a stale translation and a broken topic."""
    content = write_tree(root, {
        "site.yaml": "organisation: Clinic\nphone: 514-555-0123\nlanguages: [en, fr]\nreview_months: 24\n",
        "draft-topic/en.md": topic("Draft topic"),
        "draft-topic/fr.md": topic("Sujet en ébauche", "translation_of: 0123456789\n"),
        "approved-topic/en.md": topic("Approved topic", "status: approved\nreviewed: 2026-06-01\nreviewed_by: Nursing committee\n"),
        "overdue-topic/en.md": topic("Overdue topic", "status: approved\nreviewed: 2020-01-15\nreviewed_by: Dr Smith\n"),
        "broken-topic/en.md": "---\ntitle: [unclosed\n---\nText\n",
    })
    catalogue = load_catalogue(content)
    current = fingerprint(catalogue.topics["approved-topic"].translations["en"])
    (content / "approved-topic" / "fr.md").write_text(
        topic("Sujet approuvé", f"translation_of: {current}\nstatus: approved\nreviewed: 2026-06-01\n"
                                "reviewed_by: Comité\n"))
    return content


class Server(Running):
    def __init__(self, content: Path, out: Path, *options: str) -> None:
        super().__init__(["serve", "--content", str(content), "--out", str(out), "--port", "0", "-j", "2", *options],
                         content.parent, TIMEOUT, {"SOURCE_DATE_EPOCH": "1795000000", "PATH": "/usr/bin:/bin"})
        line = self.wait_for("serving ")[-1]
        self.port = int(re.search(r"http://127\.0\.0\.1:(\d+)/", line).group(1))
        self.wait_for("brochure(s)")
        deadline = time.monotonic() + TIMEOUT
        while b"Last build" not in self.get("/")[1]:  # the dashboard follows the build's last line
            assert time.monotonic() < deadline, "the dashboard never showed the build"
            time.sleep(0.1)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def get(self, path: str) -> tuple[int, bytes]:
        """A raw request: the path is sent exactly as given, `..` included."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()



@pytest.fixture(scope="module")
def served(tmp_path_factory):
    root = tmp_path_factory.mktemp("serve")
    content = editorial_fixture(root / "content")
    server = Server(content, root / "dist")
    yield server, content, root / "dist"
    if server.process.poll() is None:
        assert server.stop(signal.SIGTERM)[0] == 0, "SIGTERM stops it with exit status 0"


def row(html: str, topic_id: str, lang: str) -> str:
    match = re.search(rf'<tr data-topic="{topic_id}" data-lang="{lang}">(.*?)</tr>', html)
    assert match, (topic_id, lang)
    return re.sub(r"<[^>]+>", "|", match.group(1))


def test_dashboard_shows_status_reviews_translations_reading_pdfs_and_problems(served):
    server, _, _ = served
    status, body = server.get("/")
    html = body.decode()
    assert status == 200
    assert "|draft|" in row(html, "draft-topic", "en") and "|source|" in row(html, "draft-topic", "en")
    assert "|stale|" in row(html, "draft-topic", "fr")
    approved = row(html, "approved-topic", "en")
    assert "|approved|" in approved and "Nursing committee" in approved and "2028-06-01" in approved
    assert "overdue" not in approved and "|current|" in row(html, "approved-topic", "fr")
    overdue = row(html, "overdue-topic", "en")
    assert "2022-01-15" in overdue and "overdue" in overdue and "|missing|" in row(html, "overdue-topic", "fr")
    assert "|error|" in row(html, "broken-topic", "en")
    assert re.search(r"grade -?\d+(\.\d)? \(target ≤ 8\)", approved)
    assert re.search(r"\|\d+ pages?, \d+ KB\|", approved)
    assert re.search(r"broken-topic/en\.md:\d+: ", html), "the problem as path:line: message"
    assert not (served[2] / "index.html").read_bytes().count(b"dashboard"), "the dashboard is never published"


def test_dashboard_previews_pages_as_images_beside_the_web_page(served):
    server, _, _ = served
    status, body = server.get("/_preview/doc?pdf=en/approved-topic.pdf")
    assert status == 200 and b'<iframe src="/en/approved-topic/index.html"' in body
    status, image = server.get("/_preview/page.png?pdf=en/approved-topic.pdf&page=0")
    assert status == 200 and image.startswith(b"\x89PNG")


@pytest.mark.parametrize("path", ["/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/en/../../../etc/passwd",
                                  "/.build-record.json", "/_preview/page.png?pdf=../../etc/passwd&page=0"])
def test_nothing_outside_the_output_folder_is_served(served, path):
    status, body = served[0].get(path)
    assert status == 404 and b"root:" not in body


@needs_chromium
def test_an_edit_reloads_the_open_page_by_itself(served, browser):
    server, content, _ = served
    browser.get(server.url("/en/approved-topic/index.html"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Approved topic"
    source = content / "approved-topic" / "en.md"
    source.write_text(source.read_text().replace("title: Approved topic", "title: Renamed topic"))
    WebDriverWait(browser, TIMEOUT).until(lambda b: b.find_element(By.TAG_NAME, "h1").text == "Renamed topic")


def test_ctrl_c_stops_it_with_exit_status_0(served):
    _, content, out = served
    again = Server(content, out)  # the same folders: nothing to render
    assert again.stop(signal.SIGINT)[0] == 0


def test_a_catalogue_with_editions_is_previewed_one_edition_at_a_time(tmp_path):
    content = write_tree(tmp_path / "content", {
        "site.yaml": "organisation: Network\nlanguages: [en, fr]\n",
        "editions.yaml": "north:\n  phone: 819-555-0101\nsouth:\n  phone: 450-555-0202\n  topics: [alpha]\n"
                         "  languages: [fr]\n",
        "alpha/en.md": topic("Alpha"), "alpha/fr.md": topic("Alpha fr"),
        "beta/en.md": topic("Beta"), "beta/fr.md": topic("Beta fr"),
    })
    both = subprocess.run([sys.executable, str(ROOT / "build.py"), "serve", "--content", str(content), "--out",
                           str(tmp_path / "dist"), "--port", "0"], capture_output=True, text=True, timeout=TIMEOUT)
    assert both.returncode == 2
    assert both.stderr.strip().endswith("editions.yaml: this catalogue has editions; preview one of them with "
                                        "--edition ID")
    assert not (tmp_path / "dist").exists(), "nothing built"
    outside = subprocess.run([sys.executable, str(ROOT / "build.py"), "serve", "--content", str(content), "--out",
                              str(tmp_path / "dist"), "--port", "0", "--edition", "../.."],
                             capture_output=True, text=True, timeout=TIMEOUT)
    assert outside.returncode == 2 and "is not an edition id" in outside.stderr, "never a folder outside --out"

    server = Server(content, tmp_path / "dist", "--edition", "south")
    try:
        html = server.get("/")[1].decode()
        assert re.search(r"\|\d+ pages?, \d+ KB\|", row(html, "alpha", "fr")), "south's own PDF, built and shown"
        assert 'data-topic="beta"' not in html, "south does not publish beta"
        assert server.get("/fr/alpha.pdf")[0] == 200  # served from <out>/south/
        assert not (tmp_path / "dist" / "north").exists(), "only the previewed edition is built"
    finally:
        server.stop(signal.SIGTERM)
