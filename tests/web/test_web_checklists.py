"""Task items on a web page, read in headless Chromium: a disabled check box per item, checked as
written, named by the item's words, and nothing axe-core objects to."""

from __future__ import annotations

from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from brochures.builders.pipeline import Options, build
from tests.browser import axe_violations, needs_chromium
from tests.conftest import FIXTURES

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def edition(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("web-checklists")
    result = build(Options(content_dir=FIXTURES / "accessibility", out_dir=out, topics=("short-note",)), jobs=1)
    assert result.ok, [str(p) for p in result.problems]
    return out


@pytest.mark.parametrize(("lang", "names"), [
    ("en", ["The list of your medicines", "Your health card", "Your questions, written on the last page"]),
    ("fr", ["La liste de vos médicaments", "Votre carte d’assurance maladie",
            "Vos questions, écrites à la dernière page"]),
])
def test_task_items_are_disabled_named_check_boxes(browser, edition, lang, names):
    browser.get((edition / lang / "short-note" / "index.html").as_uri())
    boxes = browser.find_elements(By.CSS_SELECTOR, "main li.task input[type=checkbox]")
    assert [box.accessible_name for box in boxes] == names
    assert [box.is_selected() for box in boxes] == [False, True, False]
    assert all(not box.is_enabled() and box.get_dom_attribute("title") is None for box in boxes)  # the label names it
    assert [box.find_element(By.XPATH, "..").text for box in boxes] == names  # the box before the words
    assert axe_violations(browser) == []
