"""The web edition of the sample catalogue, read in headless Chromium: every topic and bundle is
listed, the filter works, language links match, everything resolves inside the folder, axe-core
finds nothing, it reads without JavaScript, and a topic page says what its PDF says."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from pypdf import PdfReader
from selenium.webdriver.common.by import By

from tests.browser import axe_violations, fonts_loaded, javascript, needs_chromium, resources
from tests.conftest import SAMPLE_CONTENT, SAMPLE_TOPICS, pdf_text, render_page

pytestmark = needs_chromium
LANGS = ("en", "fr")


@pytest.fixture(scope="session")
def edition(sample_build) -> Path:
    """The sample catalogue's output folder (tests/conftest.py builds it once): the web edition
    beside the PDFs its pages link to."""
    return sample_build[1]


@pytest.fixture(scope="session")
def sample():
    from brochures.content.bundles import load_bundles
    from brochures.content.catalogue import load_catalogue

    catalogue = load_catalogue(SAMPLE_CONTENT)
    return catalogue, load_bundles(catalogue)


def open_page(browser, path: Path) -> None:
    browser.get(path.as_uri())


def visible_entries(browser) -> list[str]:
    return [e.find_element(By.TAG_NAME, "h3").text for e in browser.find_elements(By.CSS_SELECTOR, ".entry")
            if e.is_displayed()]


@pytest.mark.parametrize("lang", LANGS)
def test_catalogue_lists_every_topic_and_bundle_with_its_pdf(browser, edition, sample, lang):
    catalogue, bundles = sample
    open_page(browser, edition / lang / "index.html")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == lang
    shown = visible_entries(browser)
    titles = [t.translations[lang].title for t in catalogue.topics.values()] + [b.titles[lang] for b in bundles.valid]
    assert sorted(shown) == sorted(re.sub("'", "’", t) for t in titles)
    assert len(titles) == 10, "seven topics and three kits"
    pdfs = {unquote(urlsplit(a.get_attribute("href")).path) for a in browser.find_elements(By.CSS_SELECTOR, ".downloads a")}
    for topic_id in catalogue.topics:
        assert str(edition / lang / f"{topic_id}.pdf") in pdfs
    assert str(edition / lang / "bundles" / "starting-immunotherapy.pdf") in pdfs


def test_filter_box_narrows_the_list(browser, edition, sample):
    catalogue, bundles = sample
    open_page(browser, edition / "fr" / "index.html")
    box = browser.find_element(By.ID, "filter")
    assert box.is_displayed()
    everything = visible_entries(browser)
    box.send_keys("radiotherapie")  # without the accent: the filter ignores them
    narrowed = visible_entries(browser)  # the topic, and the kit whose summary lists it
    kit = next(bundle for bundle in bundles.valid if bundle.id == "treatment-options")
    assert narrowed == [catalogue.topics["radiation-therapy"].translations["fr"].title, kit.titles["fr"]]
    assert browser.find_element(By.ID, "count").text.startswith("2 ")
    box.send_keys(" rayons")
    assert len(visible_entries(browser)) < len(narrowed)
    box.clear()
    box.send_keys(" ")
    assert visible_entries(browser) == everything


@pytest.mark.parametrize("lang, other", [("en", "fr"), ("fr", "en")])
def test_language_link_goes_to_the_same_topic(browser, edition, lang, other):
    open_page(browser, edition / lang / "chemotherapy" / "index.html")
    browser.find_element(By.CSS_SELECTOR, f'nav.languages a[hreflang="{other}"]').click()
    assert browser.current_url == (edition / other / "chemotherapy" / "index.html").as_uri()
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == other


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.lang: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if tag == "html" and name == "lang":
                self.lang = value
            if name in ("href", "src") and value:
                self.found.append((tag, name, value))


def test_every_link_and_image_resolves_inside_the_folder(edition):
    pages = sorted(edition.rglob("*.html"))
    assert len(pages) == 1 + 2 * (1 + len(SAMPLE_TOPICS)), "home, and per language a catalogue and the topics"
    for page in pages:
        parser = Links()
        parser.feed(page.read_text(encoding="utf-8"))
        assert parser.lang in ("en", "fr"), page
        for tag, attribute, value in parser.found:
            parts = urlsplit(value)
            if parts.scheme in ("tel", "mailto") or (tag == "a" and parts.scheme in ("http", "https")):
                continue  # the clinic's website and the sources: links a reader follows, never fetched
            assert not parts.scheme and not parts.netloc, f"{page}: {tag} {attribute}={value}"
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            assert target.is_relative_to(edition.resolve()) and target.is_file(), f"{page}: {value}"
            if parts.fragment:
                assert f'id="{parts.fragment}"' in target.read_text(encoding="utf-8"), f"{page}: {value}"
    css = (edition / "assets" / "web.css").read_text(encoding="utf-8")
    for url in re.findall(r'url\("([^"]+)"\)', css):
        assert (edition / "assets" / url).is_file(), url


@pytest.mark.parametrize("page", ["index.html", "en/index.html", "fr/index.html", "en/immunotherapy/index.html",
                                  "fr/immunotherapy/index.html"])
def test_axe_core_finds_no_violation_and_nothing_comes_from_another_host(browser, edition, page):
    open_page(browser, edition / page)
    assert axe_violations(browser) == []
    fetched = resources(browser)
    assert all(url.startswith("file://") for url in fetched), fetched
    assert any(url.endswith("assets/web.css") for url in fetched), fetched
    assert 'Atkinson Hyperlegible 400 normal' in fonts_loaded(browser)  # from assets/fonts/, see web.css


def test_pages_read_with_javascript_off(browser, edition, sample):
    catalogue, bundles = sample
    javascript(browser, enabled=False)
    try:
        open_page(browser, edition / "en" / "index.html")
        assert not browser.find_element(By.CSS_SELECTOR, ".filter").is_displayed()
        assert len(visible_entries(browser)) == len(catalogue.topics) + len(bundles.valid)
        open_page(browser, edition / "en" / "immunotherapy" / "index.html")
        text = browser.find_element(By.TAG_NAME, "main").text
        assert catalogue.topics["immunotherapy"].translations["en"].title in text
        assert "514-555-0123" in text
    finally:
        javascript(browser, enabled=True)


@pytest.mark.parametrize("lang", LANGS)
def test_topic_page_has_the_headings_and_phone_number_of_its_pdf(browser, edition, lang):
    pdf = edition / lang / "immunotherapy.pdf"
    open_page(browser, edition / lang / "immunotherapy" / "index.html")
    web_headings = [h.text for h in browser.find_elements(By.CSS_SELECTOR, "main h1, main h2, main h3")]

    def titles(items) -> list[str]:
        found = []
        for item in items:
            found.extend(titles(item) if isinstance(item, list) else [item.title])
        return found

    pdf_headings = titles(PdfReader(pdf).outline)
    assert pdf_headings and set(pdf_headings) <= set(web_headings), (pdf_headings, web_headings)
    phone = re.compile(r"(?:1-)?\d{3}-\d{3}-\d{4}")
    pdf_phones = set(phone.findall(pdf_text(pdf)))
    assert "514-555-0123" in pdf_phones  # the contact box's; the sample also names a help line
    assert set(phone.findall(browser.find_element(By.TAG_NAME, "main").text)) == pdf_phones
    tel = browser.find_element(By.CSS_SELECTOR, ".contact a.tel")
    assert tel.text == "514-555-0123" and tel.get_attribute("href") == "tel:+15145550123"


@pytest.mark.parametrize("lang", LANGS)
def test_urgent_callouts_say_whom_to_call_as_their_brochure_does(browser, edition, lang):
    """Every urgent box of the sample (each topic has one) ends with the line its PDF prints: the
    call to make, with the site's number as a phone link."""
    for topic in SAMPLE_TOPICS:
        open_page(browser, edition / lang / topic / "index.html")
        boxes = browser.find_elements(By.CSS_SELECTOR, "main .admonition.urgent")
        assert boxes, topic
        for box in boxes:
            line = box.find_element(By.CSS_SELECTOR, ".urgent-call")
            link = line.find_element(By.CSS_SELECTOR, "a.tel")
            assert link.text == "514-555-0123" and link.get_attribute("href") == "tel:+15145550123"
            words = " ".join(line.text.replace(link.text, "").split())
            assert words and words in " ".join(pdf_text(edition / lang / f"{topic}.pdf").split()), (topic, words)


@pytest.mark.skipif(shutil.which("zbarimg") is None, reason="zbarimg (zbar-tools) is installed by make test")
def test_qr_code_points_to_the_topic_page_in_the_folder(edition, tmp_path):
    pdf = edition / "fr" / "immunotherapy.pdf"
    image = render_page(pdf, len(PdfReader(pdf).pages), tmp_path, dpi=100)
    decoded = subprocess.run(["zbarimg", "--quiet", "--raw", str(image)],
                             capture_output=True, text=True, check=True).stdout.split()
    base = "https://example.org/brochures/"  # web_address in content/site.yaml
    assert len(decoded) == 1 and decoded[0].startswith(base)
    assert (edition / decoded[0][len(base):] / "index.html").is_file()
