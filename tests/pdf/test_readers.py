"""What readers we did not write get from our PDFs: pdf.js (Firefox) and PDFium (Chrome).

Two topics of the sample catalogue and a kit are built once, flat and as booklets, in both
languages. Each test reads
the files with pdf.js (pdfjs-dist in Node, tests/pdfjs_read.mjs) or PDFium (pypdfium2) and
checks what a reader meets: links over the text they link, one link per address, notes and
definitions in their place, other languages announced, ornaments unread, words whole.
"""

from __future__ import annotations

import re
from pathlib import Path

import pikepdf
import pytest

from brochures.builders.pipeline import Options, build
from tests.conftest import SAMPLE_CONTENT, write_tree
from tests.readers import pdfium_structure, pdfium_text, pdfium_under, pdfjs, pdfjs_structure

INVISIBLE = "\u200b\u2060\u00ad\ufffe\x02"  # break opportunities, joiners, soft hyphens, PDFium's hyphen mark


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("readers")
    result = build(Options(content_dir=SAMPLE_CONTENT, out_dir=out, layout="booklet", web=False,
                           topics=("immunotherapy", "radiation-therapy"), bundles=("starting-immunotherapy",)), jobs=2)
    assert result.ok, [str(p) for p in result.problems]
    return out


def pdfs(out: Path, suffix: str) -> list[Path]:
    return sorted(path for path in out.rglob(f"*{suffix}") if suffix == ".booklet.pdf" or ".booklet" not in path.name)


def link_annotations(path: Path) -> list[tuple[int, tuple[float, ...], str, str]]:
    """(page, rectangle, target, description) of every link annotation, as written."""
    found = []
    with pikepdf.open(path) as pdf:
        for number, page in enumerate(pdf.pages):
            for annotation in page.obj.get("/Annots") or []:
                if annotation.get("/Subtype") != pikepdf.Name.Link:
                    continue
                action = annotation.get("/A")
                target = str(action.URI) if action is not None and "/URI" in action else str(annotation.get("/Dest"))
                found.append((number, tuple(float(v) for v in annotation.Rect), target,
                              str(annotation.get("/Contents", ""))))
    return found


def squeeze(text: str) -> str:
    return re.sub(r"\s", "", text)


# Links ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("suffix", [".booklet.pdf", ".pdf"])
def test_every_link_annotation_covers_the_text_it_links(sample, suffix):
    """PDFium reads, under each annotation's rectangle, a piece of what the link says: on the
    right-hand page of a booklet sheet as on the left one."""
    checked = 0
    for path in pdfs(sample, suffix):
        annotations = link_annotations(path)
        for page in {number for number, *_ in annotations}:
            on_page = [a for a in annotations if a[0] == page]
            covered = pdfium_under(path, page, [rect for _, rect, _, _ in on_page])
            for (_, rect, target, description), text in zip(on_page, covered):
                under = squeeze(text)
                assert under, (path.name, page, target, "no text under the link")
                assert under in squeeze(description), (path.name, page, target, text, description)
                checked += 1
    assert checked > 40


def test_booklet_links_lie_on_both_halves_of_the_sheet(sample):
    """Links of right-hand pages are on the right half of the sheet, where their text prints."""
    path = sample / "en" / "immunotherapy.booklet.pdf"
    with pikepdf.open(path) as pdf:
        half = float(pdf.pages[0].mediabox[2]) / 2
    lefts = [rect[0] for _, rect, _, _ in link_annotations(path)]
    assert any(x < half for x in lefts) and any(x > half for x in lefts)


def test_every_web_address_link_is_described_by_its_whole_address(sample):
    """pdf.js: each annotation of a web link says the whole address, also for an address printed
    on two lines; and the address reads whole in pdf.js's and PDFium's text."""
    seen = set()
    for path in pdfs(sample, ".pdf"):
        pages = pdfjs(path)
        for page in pages:
            for annotation in page.annotations:
                if (annotation["url"] or "").startswith("http"):
                    assert annotation["contents"].rstrip("/") == annotation["url"].rstrip("/"), (path.name, annotation)
                    seen.add(annotation["url"])
        printed = "".join(page.text for page in pages)
        assert not any(c in printed for c in INVISIBLE), path.name
        assert not any(c in text for text in pdfium_text(path) for c in INVISIBLE), path.name
    assert "https://example.org/brochures/en/radiation-therapy/" in seen


def test_an_address_on_two_lines_is_one_link_element(sample):
    """The QR caption of radiation-therapy prints its address on two lines: one `Link` element
    (read once) holding an annotation per line, never two links each saying half an address."""
    path = sample / "en" / "radiation-therapy.pdf"
    last = pdfjs(path)[-1]
    address = "https://example.org/brochures/en/radiation-therapy/"
    assert [a["contents"] for a in last.annotations if a["url"] == address] == [address, address]
    links = [node for node in last.structure.walk() if node.role == "Link" and address in squeeze(node.text)]
    assert len(links) == 1 and len(links[0].links) == 2
    lines = [line for line in last.text.splitlines() if line.strip()]
    assert "https://example.org/brochures/en/" in lines and "radiation-therapy/" in lines, \
        "printed on two lines, broken after a slash, never at its hyphen"


def test_printed_addresses_never_break_at_a_hyphen(sample):
    """pdf.js keeps a hyphen at a line end as printed: no address line ends with one."""
    for path in pdfs(sample, ".pdf") + pdfs(sample, ".booklet.pdf"):
        for page in pdfjs(path):
            for line in page.text.splitlines():
                assert not re.search(r"https?://\S*-$", line.strip()), (path.name, line)


# Footnotes --------------------------------------------------------------------------------------

def read_in_order(path: Path, roles: tuple[str, ...]) -> list[tuple[str, str]]:
    """(role, text) of the elements of these roles, in the order pdf.js's tree gives them."""
    return [(node.role, " ".join(node.text.split())) for tree in pdfjs_structure(path)
            for node in tree.walk() if node.role in roles]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_note_called_by_a_lead_in_is_read_after_its_list(sample, lang):
    """pdf.js: "…block one of these proteins[1]:" then the list it introduces, then the note."""
    read = read_in_order(sample / lang / "immunotherapy.pdf", ("P", "L", "Note"))
    at = next(i for i, (role, text) in enumerate(read) if role == "P" and re.search(r"\[1\]\s?:$", text))
    assert [role for role, _ in read[at:at + 3]] == ["P", "L", "Note"]
    assert read[at + 1][1].startswith("●") and "PD-L1" in read[at + 1][1]
    assert read[at + 2][1].startswith("[1] ")


def test_the_call_links_to_its_note_and_the_note_back_to_it(sample):
    pages = pdfjs(sample / "en" / "immunotherapy.pdf")
    internal = [a for page in pages for a in page.annotations if a["dest"]]
    to_note = [a for a in internal if a["dest"].endswith("fn:names")]
    back = [a for a in internal if a["dest"].endswith("fnref:names")]
    assert len(to_note) == 1 and len(back) == 1
    assert to_note[0]["contents"].startswith("[1] These names are short forms")
    assert back[0]["contents"].startswith("[1] The medicines used today block one of these proteins")


# Definition lists -------------------------------------------------------------------------------

WORDS_TO_KNOW = {
    "en": [("Immune system", "The cells and organs"), ("T lymphocyte", "A type of white blood cell"),
           ("Intravenous", "Given through a vein")],
    "fr": [("Système immunitaire", "L’ensemble des cellules"), ("Lymphocyte T", "Une sorte de globule blanc"),
           ("Par voie intraveineuse", "Par une veine")],
}


def entries(element) -> list[tuple[str, tuple[str, ...], str]]:
    """A list read by a reader's tree: (the item's role, its kids' roles, their text) per item."""
    def kids(node) -> list:
        return [part for part in node.order if not isinstance(part, str)]

    return [(item.role, tuple(kid.role for kid in kids(item)), " ".join(kid.text for kid in kids(item)))
            for item in kids(element)]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_definition_list_reads_as_pairs_of_term_and_definition(sample, lang):
    """pdf.js and PDFium: "Words to know" is a list of three items, each a term (Lbl) and its
    definition (LBody), not six peers."""
    path = sample / lang / "immunotherapy.pdf"
    first_term = WORDS_TO_KNOW[lang][0][0]
    by_pdfjs = [node for tree in pdfjs_structure(path) for node in tree.walk()
                if node.role == "L" and node.text.strip().startswith(first_term)]
    by_pdfium = [node for roots in pdfium_structure(path) for root in roots for node in root.walk()
                 if node.role == "L" and node.text.strip().startswith(first_term)]
    for reader, found in (("pdf.js", by_pdfjs), ("PDFium", by_pdfium)):
        assert len(found) == 1, reader
        read = entries(found[0])
        assert [(role, kids) for role, kids, _ in read] == [("LI", ("Lbl", "LBody"))] * 3, reader
        for (term, definition), (_, _, text) in zip(WORDS_TO_KNOW[lang], read):
            assert squeeze(text).startswith(squeeze(f"{term} {definition}")), (reader, text)


# Decoration -------------------------------------------------------------------------------------

URGENT = {"en": "Call your care team right away if", "fr": "Appelez votre équipe soignante sans tarder si"}


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_urgent_title_reads_without_its_mark(sample, lang):
    """The "!" before an urgent title prints, and is an artifact: pdf.js's text layer hides it,
    and neither pdf.js's nor PDFium's structure tree holds it."""
    path = sample / lang / "immunotherapy.pdf"
    title = URGENT[lang]
    printed = [line for page in pdfjs(path) for line in page.text.splitlines() if title in line]
    assert printed and all(line.strip().startswith("!") for line in printed), "the mark prints"
    spoken = [line.strip() for page in pdfjs(path) for line in page.spoken.splitlines() if title in line]
    assert spoken == [title]
    by_pdfjs = [" ".join(node.text.split()) for tree in pdfjs_structure(path) for node in tree.walk()
                if node.role == "P" and title in node.text]
    by_pdfium = [" ".join(node.text.split()) for roots in pdfium_structure(path) for root in roots
                 for node in root.walk() if node.role == "P" and title in node.text]
    assert by_pdfjs == [title] and by_pdfium == [title]


def test_no_glyph_from_css_and_no_line_break_opportunity_is_in_the_tree(sample):
    """A `<wbr>` in a printed address made an empty element per break: none is left, and what
    CSS adds to a link ("see page 4" in a kit) stays."""
    for path in pdfs(sample, ".pdf"):
        for tree in pdfjs_structure(path):
            for node in tree.walk():
                if node.role == "Link" and "http" in node.text:
                    assert not node.children, (path.name, [kid.role for kid in node.children])


# Languages and hyphenated words: a small catalogue with `hyphenation: long-words` -----------------

OTHER_EN = """\
---
title: Skin care
status: draft
sources:
  - title: La Ligue contre le cancer – Les soins de la peau
    lang: fr
    url: https://www.ligue-cancer.net
  - title: Canadian Cancer Society – Skin care
    url: https://cancer.ca
---
## At the desk

Ask for [la carte d’assurance maladie]{lang=fr} at the desk.

Vous pouvez nous parler en français.
{: lang=fr }

## Long words

Photosensitivity, hypersensitivity and immunosuppression are explained by gastroenterologists,
dermatologists and pharmacologists. Photosensitivity reactions, hypersensitivity reactions and
immunosuppression worry anesthesiologists, rheumatologists and otolaryngologists. Hypersensitivity,
photosensitivity and immunosuppression are understandable with explanations and documentation.
"""
OTHER_FR = """\
---
title: Soins de la peau
status: draft
sources:
  - title: American Cancer Society – Skin care at home
    lang: en
    url: https://www.cancer.org
---
## Les mots longs

Les démangeaisons accompagnent quelquefois l’immunothérapie. Démangeaisons, hypersensibilités,
photosensibilisations et inflammations intéressent gastroentérologues, dermatologues et
pharmacologues. Les recommandations, renseignements, accompagnements et approvisionnements des
professionnels expliquent les immunosuppresseurs. Les démangeaisons, hypersensibilités et
photosensibilisations s’expliquent : parlez-en aux professionnels.
"""


@pytest.fixture(scope="module")
def other(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A catalogue with sources and a phrase and a block in the other language, and long words
    that `hyphenation: long-words` breaks at line ends; built with its web edition."""
    root = tmp_path_factory.mktemp("other")
    content = write_tree(root / "content", {
        "site.yaml": "organisation: {en: Test Clinic, fr: Clinique test}\nphone: 514-555-0123\n"
                     "languages: [en, fr]\nhyphenation: long-words\n",
        "care/en.md": OTHER_EN, "care/fr.md": OTHER_FR,
    })
    result = build(Options(content_dir=content, out_dir=root / "dist"), jobs=2)
    assert result.ok, [str(p) for p in result.problems]
    return root / "dist"


def langs(path: Path) -> dict[str, set[str]]:
    """Language → the texts of the elements that say it, as pdf.js and as PDFium read them."""
    found: dict[str, set[str]] = {}
    for tree in pdfjs_structure(path):
        for node in tree.walk():
            if node.lang and node.text.strip():
                found.setdefault(f"pdf.js {node.lang}", set()).add(" ".join(node.text.split()))
    for roots in pdfium_structure(path):
        for root in roots:
            for node in root.walk():
                if node.lang and node.text.strip():
                    found.setdefault(f"PDFium {node.lang}", set()).add(" ".join(node.text.split()))
    return found


def test_a_french_source_in_an_english_brochure_is_read_in_french(sample, other):
    for path, title in ((sample / "en" / "immunotherapy.pdf", "La Ligue contre le cancer – L’immunothérapie"),
                        (other / "en" / "care.pdf", "La Ligue contre le cancer – Les soins de la peau")):
        found = langs(path)
        for reader in ("pdf.js fr", "PDFium fr"):
            assert title in found.get(reader, set()), (path.name, reader, found.get(reader))
        assert not any(key.endswith(" en") for key in found), "the page's own language is the document's"
    found = langs(other / "fr" / "care.pdf")
    assert "American Cancer Society – Skin care at home" in found["pdf.js en"] & found["PDFium en"]


def test_a_phrase_and_a_block_marked_in_another_language_say_it(other):
    found = langs(other / "en" / "care.pdf")
    for reader in ("pdf.js fr", "PDFium fr"):
        assert {"la carte d’assurance maladie", "Vous pouvez nous parler en français."} <= found[reader], reader
    web = (other / "en" / "care" / "index.html").read_text(encoding="utf-8")
    assert '<span lang="fr">la carte d’assurance maladie</span>' in web
    assert '<p lang="fr">Vous pouvez nous parler en français.</p>' in web
    assert '<span lang="fr">La Ligue contre le cancer – Les soins de la peau</span>' in web


def hyphenated(path: Path, source: str) -> set[str]:
    """The words pdf.js shows broken at a line end by an added hyphen ("démangeai-" / "sons")."""
    words = set(re.findall(r"[^\W\d_]+", source))
    found = set()
    for page in pdfjs(path):
        lines = page.text.splitlines()
        for line, following in zip(lines, lines[1:]):
            head, tail = re.search(r"([^\W\d_]+)-$", line.strip()), re.match(r"[^\W\d_]+", following.strip())
            if head and tail and head.group(1) + tail.group() in words:
                found.add(head.group(1) + tail.group())
    return found


@pytest.mark.parametrize("lang, source", [("en", OTHER_EN), ("fr", OTHER_FR)])
def test_a_hyphenated_word_is_extracted_whole_by_pdfjs_and_pdfium(other, lang, source):
    path = other / lang / "care.pdf"
    broken = hyphenated(path, source)
    assert broken, "the paragraph must really break words at line ends"
    read_by_pdfjs = " ".join(" ".join(node.text.split()) for tree in pdfjs_structure(path)
                             for node in tree.walk() if node.role == "P")
    read_by_pdfium = " ".join(pdfium_text(path))
    for word in broken:
        assert re.search(rf"\b{word}\b", read_by_pdfjs), ("pdf.js", word)
        assert re.search(rf"\b{word}\b", read_by_pdfium), ("PDFium", word)
    assert not any(c in read_by_pdfium for c in "\ufffe\x02\u00ad")
