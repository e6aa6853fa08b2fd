"""Every kind of PDF the project makes, read by validators we did not write and by our own checks.

Validators: `page` (page-validation, PDF/UA-1 profile: no failure allowed), `outloud` (no error;
only the warnings listed in ALLOWED_WARNINGS, each explained in the README) and `pdfua` (no error).
Our checks cover what they miss: one Table per table and one L per list across page breaks,
running elements as artifacts, no leader dots, link descriptions in words, no hyphen at a line
end that the source lacks, and the print-only booklet.
"""

from __future__ import annotations

import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import outloud
import page as page_validation
import pdfua
import pikepdf
import pytest

from brochures.builders import tasks
from brochures.builders.pipeline import Options, build
from brochures.builders.plan import plan, variant_for
from brochures.content.bundles import load_bundles
from brochures.content.catalogue import load_catalogue
from brochures.pdf.render import render_pdf
from tests.conftest import FIXTURES, SAMPLE_CONTENT
from tests.pdf.tagged import elements, marked_content, mcid_owners, tree

STRESS = FIXTURES / "accessibility"

# outloud warnings that are not defects here (README, "Accessibility"): rule → why.
ALLOWED_WARNINGS = {
    "ORD-001": "list markers are painted after their item's text; the tree, which readers follow, is in order",
    "DOC-040": "a one-word title that is also the file name (Immunotherapy) is the brochure's real title",
    "TBL-014": "a table crossing a page break is one Table; outloud looks for it on its first page only",
    "PAG-001": "a real heading (Pour en savoir plus) near the top of several pages, not a running header",
}
# outloud errors that are its false positives, each checked narrowly below: rule → why.
ALLOWED_ERRORS = {
    "TAG-002": "the running header of a short brochure with a long title: outloud counts a line as a running "
               "header only on 3 pages (or every page) and ignores /Artifact /Pagination",
}


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory, branded: Path) -> dict[str, Path]:
    """Each PDF kind once: sample (a topic and a bundle of three, en and fr), large print,
    print marks, the stress fixture (table and list across pages, footnotes, a bundle of two; its
    bundle also on A4 with its booklet, and the half pages that booklet is imposed from) and the
    branded fixture."""
    out = tmp_path_factory.mktemp("accessibility")
    runs = {
        "sample": Options(content_dir=SAMPLE_CONTENT, out_dir=out / "sample", topics=("immunotherapy",),
                          bundles=("starting-immunotherapy",), write_html=True),  # three topics, checklists
        "large": Options(content_dir=SAMPLE_CONTENT, out_dir=out / "large", topics=("immunotherapy",),
                         langs=("fr",), large_print=True, write_html=True),
        "marks": Options(content_dir=SAMPLE_CONTENT, out_dir=out / "marks", topics=("chemotherapy",),
                         langs=("en",), print_marks=True, write_html=True),
        "stress": Options(content_dir=STRESS, out_dir=out / "stress", write_html=True),
    }
    for options in runs.values():
        result = build(options, jobs=2)
        assert result.ok, [str(p) for p in result.problems]
    a4_booklet_in_process(out / "a4", out / "halves" / "fr" / "kit.pdf")
    pdfs = {str(path.relative_to(out)): path for path in sorted(out.rglob("*.pdf"))}
    pdfs.update({f"branded/{path.relative_to(branded)}": path for path in sorted(branded.rglob("*.pdf"))})
    return pdfs


def a4_booklet_in_process(out: Path, halves: Path) -> None:
    """The stress bundle on A4 with its booklet, rendered in this process (build workers would not
    see the patch) so as to also keep the half-page PDF the booklet is imposed from."""
    options = Options(content_dir=STRESS, out_dir=out, bundles=("kit",), langs=("fr",), paper="a4",
                      layout="booklet", write_html=True)
    catalogue = load_catalogue(STRESS)
    problems: list = []
    job = plan(catalogue, load_bundles(catalogue), options, problems).jobs[0]
    real = tasks.print_only

    def keeping(imposed: bytes, source: bytes) -> bytes:
        halves.parent.mkdir(parents=True, exist_ok=True)
        halves.write_bytes(source)
        return real(imposed, source)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tasks, "print_only", keeping)
        result = tasks.run_task(tasks.Task(catalogue, job, variant_for(options, catalogue), options))
    assert [str(p) for p in result.problems + problems if p.severity == "error"] == []
    assert halves.exists() and len(result.outputs) == 2


def tagged(made: dict[str, Path]) -> dict[str, Path]:
    """Every file a reader may open; not booklets, nor print-shop files (PDF/X-4, print-only: tagged,
    but claiming PDF/X instead of PDF/UA; tests/pdf/test_print_rules.py checks their links)."""
    return {name: path for name, path in made.items()
            if not name.endswith((".booklet.pdf", ".print-marks.pdf"))}


def booklets(made: dict[str, Path]) -> dict[str, Path]:
    return {name: path for name, path in made.items() if name.endswith(".booklet.pdf")}


def test_every_kind_is_made(made):
    names = set(made)
    for expected in ("sample/en/immunotherapy.pdf", "sample/fr/bundles/starting-immunotherapy.pdf",
                     "large/fr/immunotherapy.large-print.pdf", "marks/en/chemotherapy.print-marks.pdf",
                     "stress/en/long-content.pdf",
                     "stress/fr/bundles/kit.pdf", "a4/fr/bundles/kit.booklet.pdf", "a4/fr/bundles/kit.pdf",
                     "halves/fr/kit.pdf",
                     "branded/en/hand-care.pdf"):
        assert expected in names


# Validators -------------------------------------------------------------------------------

def test_page_validation_pdf_ua_1_finds_no_failure(made):
    failures = {}
    for name, path in tagged(made).items():
        report = page_validation.validate_pdf(path, profile="ua1")
        if not report.is_compliant:
            failures[name] = sorted({f"{f.rule_id}: {f.message}" for f in report.failures})
    assert failures == {}


def test_outloud_finds_no_error_and_only_explained_warnings(made):
    found = {}
    for name, path in tagged(made).items():
        result = outloud.check(str(path))
        assert result.error is None, (name, result.error)
        allowed = {"error": ALLOWED_ERRORS, "warning": ALLOWED_WARNINGS}
        unexplained = [f"{f.severity} {f.rule}: {f.message} ({f.evidence})" for f in result.findings
                       if f.severity in allowed and f.rule not in allowed[f.severity]]
        headings = heading_texts(path)
        unexplained += [f"{f.rule} on a line that is not a heading: {f.evidence}" for f in result.findings
                        if f.rule in ("PAG-001", "TAG-002")
                        and not {re.sub(r"\s", "", line) for line in (f.evidence or "").split("; ")} <= headings]
        if unexplained:
            found[name] = unexplained
    assert found == {}


def test_pdfua_finds_no_error(made):
    found = {}
    for name, path in tagged(made).items():
        errors = [f"{f.rule_id}: {f.message}" for f in pdfua.validate(str(path)).findings
                  if f.severity >= pdfua.Severity.ERROR]
        if errors:
            found[name] = errors
    assert found == {}


# Our own checks ----------------------------------------------------------------------------

class _Count(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: dict[str, int] = {}

    def handle_starttag(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1


def html_count(pdf_path: Path, *tags: str) -> int:
    html = pdf_path.with_suffix(".print.html")
    counter = _Count()
    counter.feed(html.read_text(encoding="utf-8"))
    return sum(counter.tags.get(tag, 0) for tag in tags)


def roles(path: Path) -> list[str]:
    with pikepdf.open(path) as pdf:
        return [element.role for element in elements(tree(pdf))]


def heading_texts(path: Path) -> set[str]:
    with pikepdf.open(path) as pdf:
        owners = mcid_owners(pdf)
        texts: dict[tuple, str] = {}
        for piece in marked_content(path):
            owner = owners.get((piece.page, piece.mcid))
            while owner is not None and not re.fullmatch(r"/H\d", str(owner.get("/S"))):
                owner = owner.get("/P")
            if owner is not None:
                texts[owner.objgen] = texts.get(owner.objgen, "") + piece.text
    return {re.sub(r"\s", "", text) for text in texts.values()}


def test_one_table_per_table_and_one_list_per_list_across_page_breaks(made):
    for name, path in tagged(made).items():
        if name.startswith(("branded/", "halves/")):
            continue  # made without their HTML; the same templates are checked on the others
        found = roles(path)
        assert found.count("Table") == html_count(path, "table"), name
        assert found.count("L") == html_count(path, "ul", "ol", "dl"), name
        assert found.count("THead") <= found.count("Table"), f"{name}: a repeated header row is tagged again"


def test_the_long_table_and_list_of_the_stress_topic_are_whole(made):
    path = made["stress/en/long-content.pdf"]
    with pikepdf.open(path) as pdf:
        root = tree(pdf)
        pages = {page.obj.objgen: i for i, page in enumerate(pdf.pages)}
        table = next(e for e in elements(root) if e.role == "Table")
        rows = [e for e in elements(table) if e.role == "TR"]
        assert len(rows) == 31  # the header row once, then 30 rows
        assert [e.obj.A.Scope for e in elements(table) if e.role == "TH"] == [pikepdf.Name.Column] * 2
        lists = [e for e in elements(root) if e.role == "L" and len(e.kids) == 35]
        assert len(lists) == 1, "the 35 items are one list"
        spans = {pages[e.obj.Pg.objgen] for e in elements(lists[0]) if "/Pg" in e.obj}
        assert len(spans) >= 2, "the stress list must really cross a page break"
        assert {pages[e.obj.Pg.objgen] for e in rows} != {pages[rows[0].obj.Pg.objgen]}, \
            "the stress table must really cross a page break"


def test_list_items_hold_only_a_label_and_a_body(made):
    for name, path in tagged(made).items():
        with pikepdf.open(path) as pdf:
            for element in elements(tree(pdf)):
                if element.role == "LI":
                    assert {kid.role for kid in element.kids} <= {"Lbl", "LBody"}, name
                if element.role == "Link":
                    assert not any(e.role == "Link" for kid in element.kids for e in elements(kid)), name


def test_every_marked_text_is_reached_from_the_root_or_is_an_artifact(made):
    for name, path in tagged(made).items():
        with pikepdf.open(path) as pdf:
            reachable = {e.obj.objgen for e in elements(tree(pdf)) if e.parent is not None}
            owners = mcid_owners(pdf)
        for piece in marked_content(path):
            if piece.mcid is not None:
                owner = owners.get((piece.page, piece.mcid))
                assert owner is not None and owner.objgen in reachable, (name, piece)


def test_running_elements_are_artifacts(made):
    draft = {"en": "DRAFT, not for distribution", "fr": "ÉBAUCHE, ne pas distribuer"}
    for name, path in tagged(made).items():
        lang = "fr" if "/fr/" in name else "en"
        pieces = marked_content(path)
        pages = max(piece.page for piece in pieces) + 1
        content = " ".join(piece.text for piece in pieces if piece.mcid is not None)
        assert not re.search(r"Page \d+ (of|de) \d+", content), name
        assert draft[lang] not in content, name
        for number in range(1, pages + 1):
            artifacts = " ".join(" ".join(p.text for p in pieces if p.page == number - 1 and p.mcid is None).split())
            folio = f"Page {number} of {pages}" if lang == "en" else f"Page {number} de {pages}"
            has_content = any(p.page == number - 1 and p.mcid is not None for p in pieces)
            if number == 1 and ("/bundles/" in name or name.startswith("halves/")):  # a bundle's or booklet's cover
                assert folio not in artifacts, (name, "no page number on the cover")
            elif has_content:  # a notes page has only its ruled lines and title, as artifacts
                assert folio in artifacts, (name, folio)
            if name.split("/")[0] in ("sample", "large", "marks"):  # drafts: a band on every page
                assert draft[lang] in artifacts, (name, number)


def test_no_leader_dots_in_the_tree(made):
    for name, path in tagged(made).items():
        content = "".join(piece.actual_text or piece.text for piece in marked_content(path) if piece.mcid is not None)
        assert not re.search(r"(\.\s*){4,}", content), name


def test_links_are_described_in_words_once(made):
    for name, path in tagged(made).items():
        with pikepdf.open(path) as pdf:
            in_tree = [kid.Obj.objgen for e in elements(tree(pdf)) if e.role == "Link"
                       for kid in (e.obj.K if isinstance(e.obj.K, pikepdf.Array) else [e.obj.K])
                       if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == pikepdf.Name.OBJR]
            for page in pdf.pages:
                for annotation in page.obj.get("/Annots") or []:
                    if annotation.get("/Subtype") != pikepdf.Name.Link:
                        continue
                    description = str(annotation.get("/Contents", ""))
                    target = str(annotation.get("/Dest", ""))
                    assert re.search(r"[^\W\d_]{2,}", description) or re.fullmatch(r"[\d\s().+-]{7,}", description), \
                        (name, description)  # words, or the phone number printed
                    assert description != target and not re.search(r"--fn|^topic-|^#", description), (name, description)
                    assert int(annotation.F) & 4, "printable"
                    assert in_tree.count(annotation.objgen) == 1, (name, description)


def test_every_link_element_has_its_annotation_and_something_to_say(made):
    def says_something(node) -> bool:
        kids = node.get("/K")
        kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
        return "/Alt" in node or any(isinstance(k, int) or (isinstance(k, pikepdf.Dictionary) and (
            k.get("/Type") == pikepdf.Name.MCR or ("/S" in k and says_something(k)))) for k in kids)

    for name, path in tagged(made).items():
        with pikepdf.open(path) as pdf:
            for element in elements(tree(pdf)):
                if element.role == "Link":
                    kids = element.obj.K if isinstance(element.obj.K, pikepdf.Array) else [element.obj.K]
                    assert any(isinstance(k, pikepdf.Dictionary) and k.get("/Type") == pikepdf.Name.OBJR
                               for k in kids), name
                    assert says_something(element.obj), name
    with pikepdf.open(made["stress/en/long-content.pdf"]) as pdf:
        alts = [str(e.obj.Alt) for e in elements(tree(pdf)) if e.role == "Link" and "/Alt" in e.obj]
    assert alts == ["A red, dry palm"], "an image link is described by its image"


def test_footnotes_are_notes_read_after_their_paragraph(made):
    path = made["stress/en/long-content.pdf"]
    with pikepdf.open(path) as pdf:
        owners = mcid_owners(pdf)
        notes = [e for e in elements(tree(pdf)) if e.role == "Note"]
        assert len(notes) == 2 and all("/ID" in note.obj for note in notes)
        siblings = [kid.role for kid in notes[0].parent.kids]
        at = [kid.obj.objgen for kid in notes[0].parent.kids].index(notes[0].obj.objgen)
        assert siblings[at - 1] == "P" and siblings[at + 1] == "Note", "both notes after the paragraph calling them"
        text = {note.obj.objgen: "" for note in notes}
        for piece in marked_content(path):
            owner = owners.get((piece.page, piece.mcid))
            while owner is not None and owner.objgen not in text:
                owner = owner.get("/P")
            if owner is not None:
                text[owner.objgen] += piece.text
    read = [" ".join(text[note.obj.objgen].split()) for note in notes]
    assert "Short names are used in this sheet." in read[0] and "Ask the desk" in read[1]


def test_links_say_what_they_lead_to(made):
    with pikepdf.open(made["stress/en/long-content.pdf"]) as pdf:
        descriptions = [str(a.Contents) for page in pdf.pages for a in page.obj.get("/Annots") or []
                        if a.Subtype == "/Link"]  # form fields are named by their /TU (tests/pdf/test_forms.py)
    # Footnotes are CSS footnotes at the foot of their page (brochures/html/pagination.py): the call
    # is no link any more, so no link is described by a bare number.
    assert not any(re.fullmatch(r"\d+(\s.*)?", d) for d in descriptions), descriptions
    assert "clinic pages" in descriptions and "the table" in descriptions


def test_no_hyphen_at_a_line_end_that_the_source_lacks(made):
    for name, path in tagged(made).items():
        if name.startswith(("branded/", "halves/")):
            continue
        source = " ".join(path.with_suffix(".print.html").read_text(encoding="utf-8").split())
        assert added_hyphens(path, source) == [], name


def added_hyphens(path: Path, source: str) -> list[str]:
    """Line ends read as "word-" whose word is not hyphenated in the source."""
    pieces = [p for p in marked_content(path) if p.mcid is not None]
    found = []
    for piece, following in zip(pieces, pieces[1:]):
        read = piece.actual_text if piece.actual_text is not None else piece.text
        match = re.search(r"(\w+)-$", read)
        if match and following.text[:1].isalpha():
            word = f"{match.group(1)}-{following.text.split()[0]}"
            if word not in source:
                found.append(word)
    return found


def test_a_word_that_hyphenation_broke_reads_whole(tmp_path):
    """Whatever the stylesheets say about hyphenation, a break WeasyPrint adds is not a hyphen: the
    marked content around it reads the word whole (tests/pdf/test_readers.py reads it with pdf.js
    and PDFium), and the validators accept the /ActualText that says so."""
    words = "The immunotherapy system uncharacteristically internationalizes Info-cancer responsibilities."
    html = (f'<html lang="en"><head><title>Hyphens</title></head><body>'
            f'<p style="width: 80pt; hyphens: auto; font-size: 12pt">{words}</p></body></html>')
    rendered = render_pdf(html, tmp_path, [], "@page { size: 200pt 400pt; margin: 20pt }", [tmp_path])
    path = tmp_path / "hyphens.pdf"
    path.write_bytes(rendered.data)
    pieces = [p for p in marked_content(path) if p.mcid is not None]
    assert sum(p.text.endswith(("-", "\u2010")) for p in pieces) >= 3, "the column is narrow enough to hyphenate"
    assert added_hyphens(path, words) == []
    sequences: dict[int, str] = {}  # each sequence read once: its /ActualText, else its text
    for piece in pieces:
        sequences[piece.mcid] = piece.actual_text if piece.actual_text is not None \
            else sequences.get(piece.mcid, "") + piece.text
    assert " ".join("".join(sequences[mcid] for mcid in sorted(sequences)).split()) == words
    assert page_validation.validate_pdf(path, profile="ua1").is_compliant
    assert [f.rule for f in outloud.check(str(path)).findings if f.severity == "error"] == []


def test_css_footnotes_are_notes_after_their_paragraph_and_split_nothing(tmp_path):
    """`float: footnote` (the footnote area sits between two pages' elements) keeps one article."""
    words = "".join(f"<p>Paragraph {n} with several words to fill a line or two.</p>" for n in range(14))
    items = "".join(f"<li>Item {n}</li>" for n in range(8))
    html = (f'<html lang="en"><head><title>Notes</title><style>.fn {{ float: footnote }}</style></head>'
            f'<body><article><p>A call<span class="fn">The note itself.</span> in a sentence.</p>{words}'
            f'<ul>{items}</ul></article></body></html>')
    rendered = render_pdf(html, tmp_path, [], "@page { size: 300pt 400pt; margin: 30pt }", [tmp_path])
    path = tmp_path / "notes.pdf"
    path.write_bytes(rendered.data)
    assert rendered.pages >= 2
    with pikepdf.open(path) as pdf:
        root = tree(pdf)
        document = root.kids[0]
        assert [kid.role for kid in document.kids] == ["Art"]
        article = document.kids[0]
        assert [kid.role for kid in article.kids][:2] == ["P", "Note"]
        assert "/ID" in article.kids[1].obj
        assert [e.role for e in elements(root)].count("L") == 1
    assert page_validation.validate_pdf(path, profile="ua1").is_compliant


# Booklets: print-only ------------------------------------------------------------------------

def test_booklets_are_print_only_with_their_title_and_language(made):
    assert booklets(made)
    for name, path in booklets(made).items():
        flat = made[name.replace(".booklet.pdf", ".pdf")] if name.replace(".booklet.pdf", ".pdf") in made else None
        with pikepdf.open(path) as pdf:
            root = pdf.Root
            for key in ("/StructTreeRoot", "/MarkInfo", "/Metadata", "/Names", "/Dests", "/Outlines"):
                assert key not in root, (name, key)  # no tags, and no PDF/UA claim
            lang = "fr" if "/fr/" in name else "en"
            assert str(root.Lang) == lang
            assert root.ViewerPreferences.DisplayDocTitle
            title = str(pdf.docinfo.Title)
            if flat is not None:
                with pikepdf.open(flat) as tagged_pdf:
                    assert title == str(tagged_pdf.docinfo.Title)
            for page in pdf.pages:
                for annotation in page.obj.get("/Annots") or []:
                    if annotation.get("/Subtype") == pikepdf.Name.Link:
                        assert "/Dest" not in annotation and annotation.A.S == pikepdf.Name.URI, name
        check = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
        assert check.returncode == 0, (name, check.stdout, check.stderr)
