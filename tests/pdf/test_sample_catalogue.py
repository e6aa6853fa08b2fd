"""The sample catalogue as a clinic receives it, read back from the session's build of it: seven
topics in English and French, the clinic's phone inside each urgent box, related topics printed in
the reader's language, symptom checklists printed whole, and three kits whose covers list their
topics and the phone."""

from __future__ import annotations

import re

import pytest
from pypdf import PdfReader

from brochures.content.bundles import load_bundles
from brochures.content.catalogue import Catalogue, load_catalogue
from tests.conftest import SAMPLE_CONTENT, SAMPLE_TOPICS, pdf_text

LANGS = ("en", "fr")
PHONE, PHONE_LINK = "514-555-0123", "tel:+15145550123"  # content/site.yaml
# (title of the urgent box, the line the box ends with)
URGENT = {"en": ("Call your care team right away if", f"Call your care team now: {PHONE}"),
          "fr": ("Appelez votre équipe soignante sans tarder si", f"Appelez votre équipe soignante maintenant : {PHONE}")}
RELATED = {"en": "Related topics", "fr": "À lire aussi"}
KITS = {
    "starting-immunotherapy": ("immunotherapy", "side-effects", "infection-prevention"),
    "treatment-options": ("immunotherapy", "chemotherapy", "radiation-therapy", "hormone-therapy", "surgery"),
    "before-and-after-surgery": ("surgery", "side-effects", "infection-prevention"),
}
TASK_ITEM = re.compile(r"^- \[ \] (.+)$", re.MULTILINE)


def flat(text: str) -> str:
    """Text with every run of spaces (no-break ones included) and line breaks made one space."""
    return " ".join(text.split())


def page_links(page) -> set[str]:
    return {str(annot.get_object()["/A"]["/URI"]) for annot in page.get("/Annots") or []
            if "/URI" in annot.get_object().get("/A", {})}


@pytest.fixture(scope="module")
def sample_catalogue() -> Catalogue:
    return load_catalogue(SAMPLE_CONTENT)


def test_seven_topics_each_in_english_and_french_all_drafts(sample_catalogue):
    assert tuple(sorted(sample_catalogue.topics)) == SAMPLE_TOPICS
    for topic in sample_catalogue.topics.values():
        assert set(topic.translations) == set(LANGS), topic.id
        assert {t.status for t in topic.translations.values()} == {"draft"}, "not clinically reviewed"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("topic", SAMPLE_TOPICS)
def test_each_urgent_box_ends_with_the_clinic_phone(sample_build, topic, lang):
    _, out = sample_build
    title, phone_line = URGENT[lang]
    reader = PdfReader(out / lang / f"{topic}.pdf")
    boxes = [page for page in reader.pages if title in flat(page.extract_text())]
    assert boxes, f"{lang}/{topic}.pdf has an urgent box"
    for page in boxes:
        text = flat(page.extract_text())
        assert phone_line in text[text.index(title):], "the phone after the box title, on the same page"
        assert PHONE_LINK in page_links(page), "the phone is a tel: link"


@pytest.mark.parametrize("lang", LANGS)
def test_related_topics_print_with_their_titles_in_the_same_language(sample_build, sample_catalogue, lang):
    _, out = sample_build
    for topic in sample_catalogue.topics.values():
        related = topic.translations[lang].related
        assert related, f"{topic.id} ({lang}) names related topics"
        text = flat(pdf_text(out / lang / f"{topic.id}.pdf"))
        start = text.rindex(RELATED[lang])
        section = text[start:text.index("Sources", start)]
        for other in related:
            assert sample_catalogue.topics[other].translations[lang].title in section, (topic.id, lang, other)


@pytest.mark.parametrize("lang", LANGS)
def test_symptom_checklists_print_every_item(sample_build, lang):
    _, out = sample_build
    checklists = 0
    for topic in SAMPLE_TOPICS:
        items = TASK_ITEM.findall((SAMPLE_CONTENT / topic / f"{lang}.md").read_text(encoding="utf-8"))
        text = flat(pdf_text(out / lang / f"{topic}.pdf"))
        for item in items:
            # The PDF prints typographic apostrophes and French spacing; compare words only.
            assert flat(re.sub(r"\W+", " ", item)) in flat(re.sub(r"\W+", " ", text)), (topic, item)
        checklists += bool(items)
    assert checklists >= 2, "side effects and infection prevention have checklists"


@pytest.mark.parametrize("lang", LANGS)
def test_kits_list_their_topics_in_order_and_the_phone_on_the_cover(sample_build, sample_catalogue, lang):
    _, out = sample_build
    bundles = load_bundles(sample_catalogue)
    assert not bundles.problems
    assert {bundle.id: bundle.topics for bundle in bundles.valid} == KITS
    for bundle in bundles.valid:
        cover = PdfReader(out / lang / "bundles" / f"{bundle.id}.pdf").pages[0]
        text = flat(cover.extract_text())
        assert flat(bundle.titles[lang]) in text
        titles = [sample_catalogue.topics[t].translations[lang].title for t in bundle.topics]
        places = [text.find(title) for title in titles]
        assert -1 not in places and places == sorted(places), (bundle.id, lang, text)
        assert PHONE in text and PHONE_LINK in page_links(cover), f"{bundle.id}: the phone box on the cover"
