"""A real headless Chromium for the tests of the web edition and the preview, driven by Selenium.

Debian's chromium and chromium-driver and npm's axe-core are installed by `make test`; nothing is
downloaded while the tests run. One browser serves the whole session: starting one costs seconds.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1000,900")

needs_chromium = pytest.mark.skipif(not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
                                    reason="chromium and chromium-driver are installed by make test")


def start_chromium(profile: Path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    return webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)


@pytest.fixture(scope="session")
def browser():
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        driver = start_chromium(Path(profile))
        driver.set_script_timeout(30)
        try:
            yield driver
        finally:
            driver.quit()


def axe_violations(driver) -> list[dict]:
    """axe-core's violations on the page open in `driver`, every rule axe runs by default."""
    assert AXE.is_file(), "axe-core is installed by make test (npm ci)"
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    result = driver.execute_async_script("const done = arguments[arguments.length - 1];"
                                         "axe.run(document).then(r => done(r.violations), e => done(String(e)));")
    assert isinstance(result, list), result
    return [{"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:3], "help": v["help"]} for v in result]


def resources(driver) -> list[str]:
    """The addresses of the open page's stylesheets, scripts, images and frames.

    (Chromium keeps no resource timing for file: pages, so they are read from the document.)
    """
    return driver.execute_script(
        "return [...document.styleSheets].map(s => s.href).filter(Boolean)"
        ".concat([...document.scripts].map(s => s.src).filter(Boolean))"
        ".concat([...document.images].map(i => i.currentSrc))"
        ".concat([...document.querySelectorAll('iframe, link, source')].map(e => e.src || e.href))")


def fonts_loaded(driver) -> list[str]:
    """The font faces the page loaded, once it has finished loading them."""
    return driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "document.fonts.ready.then(() => done([...document.fonts].filter(f => f.status === 'loaded')"
        ".map(f => f.family + ' ' + f.weight + ' ' + f.style)));")


def javascript(driver, enabled: bool) -> None:
    driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": not enabled})
