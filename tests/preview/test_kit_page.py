"""The preview's kit page: axe-core finds nothing on it, a kit made with the keyboard in headless
Chromium arrives as a download and is a valid PDF, a request from anywhere else is refused, and the
whole server answers only its own address (no DNS rebinding)."""

from __future__ import annotations

import http.client
import re
import shutil
import signal
import time
from pathlib import Path
from urllib.parse import urlencode

import page as page_validation
import pikepdf
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from brochures.preview.hosts import host_allowed
from tests.browser import axe_violations, needs_chromium
from tests.conftest import SAMPLE_CONTENT
from tests.preview.test_server import TIMEOUT, Server

FORM = "application/x-www-form-urlencoded"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    root = tmp_path_factory.mktemp("kit-page")
    shutil.copytree(SAMPLE_CONTENT, root / "content")
    server = Server(root / "content", root / "dist", "immunotherapy")  # a kit needs the catalogue, not its PDFs
    yield server
    if server.process.poll() is None:
        assert server.stop(signal.SIGTERM)[0] == 0


def request(server: Server, method: str, path: str, body: str | None = None,
            headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=TIMEOUT)
    connection.request(method, path, body, headers or {})
    response = connection.getresponse()
    return response.status, dict(response.getheaders()), response.read()


def token(server: Server) -> str:
    return re.search(r'name="token" value="([^"]+)"', request(server, "GET", "/_preview/kit")[2].decode()).group(1)


def own_origin(server: Server) -> dict[str, str]:
    return {"Origin": f"http://127.0.0.1:{server.port}", "Content-Type": FORM}


def test_the_dashboard_links_to_the_kit_page(served):
    assert b'<a href="/_preview/kit">Prepare a kit for a patient</a>' in request(served, "GET", "/")[2]
    status, headers, body = request(served, "GET", "/_preview/kit")
    assert status == 200 and headers["Cache-Control"] == "no-store" and b"reload.js" not in body, \
        "the form never reloads itself: that would wipe what the nurse typed"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert b'autocomplete="off"' in body


def test_a_kit_comes_back_as_a_download_and_is_a_pdf(served, tmp_path):
    fields = {"token": token(served), "topic": ["immunotherapy", "chemotherapy"], "lang": "en",
              "patient_name": "Jo Test", "appointment": "2026-03-14T09:30", "password": "", "password_again": ""}
    status, headers, body = request(served, "POST", "/_preview/kit", urlencode(fields, doseq=True), own_origin(served))
    assert status == 200 and headers["Content-Type"] == "application/pdf"
    assert headers["Cache-Control"] == "no-store" and headers["Content-Disposition"] == \
        'attachment; filename="patient-kit.pdf"'
    (tmp_path / "kit.pdf").write_bytes(body)
    assert page_validation.validate_pdf(tmp_path / "kit.pdf", profile="ua1").is_compliant


def test_a_password_locks_the_kit(served, tmp_path):
    fields = {"token": token(served), "bundle": "starting-immunotherapy", "lang": "fr", "password": "clé secrète",
              "password_again": "clé secrète"}
    status, _, body = request(served, "POST", "/_preview/kit", urlencode(fields), own_origin(served))
    assert status == 200
    (tmp_path / "locked.pdf").write_bytes(body)
    with pytest.raises(pikepdf.PasswordError):
        pikepdf.open(tmp_path / "locked.pdf")
    with pikepdf.open(tmp_path / "locked.pdf", password="clé secrète") as pdf:
        assert pdf.encryption.R == 6 and pdf.allow.accessibility
    fields["password_again"] = "cle secrete"
    status, _, body = request(served, "POST", "/_preview/kit", urlencode(fields), own_origin(served))
    assert status == 400 and b"the two passwords differ" in body and b"secr" not in body, "never shown again"


@pytest.mark.parametrize("headers", [
    {"Content-Type": FORM},  # no Origin: not a browser's form
    {"Content-Type": FORM, "Origin": "http://evil.example"},
    {"Content-Type": FORM, "Origin": "http://127.0.0.1:1"},
    {"Content-Type": FORM, "Origin": "null"},
])
def test_a_post_from_another_origin_is_refused(served, headers):
    body = urlencode({"token": token(served), "topic": "immunotherapy"})
    status, _, answer = request(served, "POST", "/_preview/kit", body, headers)
    assert status == 403 and not answer.startswith(b"%PDF")


@pytest.mark.parametrize("given", ["", "wrong", "x" * 43])
def test_a_post_without_the_page_token_is_refused(served, given):
    body = urlencode({"topic": "immunotherapy"} | ({"token": given} if given else {}))
    status, _, answer = request(served, "POST", "/_preview/kit", body, own_origin(served))
    assert status == 403 and not answer.startswith(b"%PDF")


@pytest.mark.parametrize("method, path", [("GET", "/"), ("GET", "/_preview/kit"), ("GET", "/index.html"),
                                          ("GET", "/en/immunotherapy.pdf"), ("POST", "/_preview/kit")])
@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "127.0.0.1.nip.io:{port}",
                                  "127.0.0.1:1", "localhost.evil.example:{port}", ""])
def test_any_request_with_a_foreign_host_is_refused(served, method, path, host):
    headers = {"Host": host.format(port=served.port), "Origin": f"http://{host.format(port=served.port)}",
               "Content-Type": FORM}
    body = urlencode({"token": token(served), "topic": "immunotherapy"}) if method == "POST" else None
    connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=TIMEOUT)
    connection.putrequest(method, path, skip_host=True)
    for name, value in headers.items():
        connection.putheader(name, value)
    connection.putheader("Content-Length", str(len(body or "")))
    connection.endheaders(body.encode() if body else None)
    response = connection.getresponse()
    assert response.status == 403 and b"Sample" not in response.read()


def test_the_own_address_and_localhost_are_answered(served):
    for host in (f"127.0.0.1:{served.port}", f"localhost:{served.port}", f"LOCALHOST:{served.port}"):
        connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=TIMEOUT)
        connection.request("GET", "/", headers={"Host": host})
        assert connection.getresponse().status == 200, host


@pytest.mark.parametrize("header, bound, port, allowed", [
    ("127.0.0.1:8000", "127.0.0.1", 8000, True),
    ("localhost:8000", "127.0.0.1", 8000, True),
    ("127.0.0.1", "127.0.0.1", 80, True),
    ("127.0.0.1:8001", "127.0.0.1", 8000, False),
    ("attacker.example:8000", "127.0.0.1", 8000, False),
    ("192.168.1.20:8000", "0.0.0.0", 8000, True),  # bound everywhere: any address written as one
    ("[::1]:8000", "0.0.0.0", 8000, True),
    ("attacker.example:8000", "0.0.0.0", 8000, False),
    ("localhost:8000", "192.168.1.20", 8000, False),  # localhost is not this server's address then
    ("192.168.1.20:8000", "192.168.1.20", 8000, True),
    ("[::1:8000", "127.0.0.1", 8000, False),
    ("127.0.0.1:80x", "127.0.0.1", 80, False),
    (None, "127.0.0.1", 8000, False),
])
def test_which_hosts_are_answered(header, bound, port, allowed):
    assert host_allowed(header, bound, port) is allowed


# In a real browser ---------------------------------------------------------------------------

@needs_chromium
def test_the_kit_page_has_no_accessibility_violation_empty_or_with_problems(served, browser):
    browser.get(served.url("/_preview/kit"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Prepare a kit for a patient"
    assert axe_violations(browser) == []
    browser.find_element(By.ID, "place").send_keys("Room 4")
    browser.find_element(By.ID, "note").send_keys("x" * 10)
    browser.find_element(By.ID, "direct_line").send_keys("not a number")
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()  # no topic: refused
    WebDriverWait(browser, TIMEOUT).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".summary"))
    summary = browser.find_element(By.CSS_SELECTOR, ".summary")
    assert "tick at least one brochure" in summary.text and "write a phone number" in summary.text
    assert browser.switch_to.active_element == summary, "the problems are read out first"
    assert browser.find_element(By.ID, "place").get_attribute("value") == "Room 4", "what was typed is kept"
    assert browser.find_element(By.ID, "direct_line").get_attribute("aria-invalid") == "true"
    assert axe_violations(browser) == []


@needs_chromium
def test_a_kit_made_with_the_keyboard_arrives_as_a_download(served, browser, tmp_path):
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    browser.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    browser.get(served.url("/_preview/kit"))
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)  # the dashboard link
    browser.switch_to.active_element.send_keys(Keys.TAB)
    assert browser.switch_to.active_element.get_attribute("id") == "topic-chemotherapy", "the first field next"
    browser.switch_to.active_element.send_keys(Keys.SPACE)
    browser.find_element(By.ID, "patient_name").send_keys("Jo Keyboard")
    appointment = browser.find_element(By.ID, "appointment")
    browser.execute_script("arguments[0].value = '2026-03-14T09:30'", appointment)
    browser.find_element(By.ID, "note").send_keys("Line one", Keys.ENTER, "Line two")
    browser.find_element(By.ID, "note").send_keys(Keys.TAB)  # to the password fields, then the button
    browser.switch_to.active_element.send_keys(Keys.TAB)
    browser.switch_to.active_element.send_keys(Keys.TAB)
    assert browser.switch_to.active_element.tag_name == "button"
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    deadline = time.monotonic() + TIMEOUT
    while not [p for p in downloads.iterdir() if p.suffix == ".pdf"]:
        assert time.monotonic() < deadline, "no download arrived"
        time.sleep(0.2)
    pdf = next(p for p in downloads.iterdir() if p.suffix == ".pdf")
    assert pdf.name == "patient-kit.pdf"
    with pikepdf.open(pdf) as document:
        assert len(document.pages) > 2 and "Information from" in str(document.docinfo.Title)
    assert page_validation.validate_pdf(pdf, profile="ua1").is_compliant
    assert browser.current_url == served.url("/_preview/kit"), "the form stays, filled in, for the next kit"
    assert browser.find_element(By.ID, "patient_name").get_attribute("value") == "Jo Keyboard"
    assert Path(pdf).stat().st_size > 10_000
