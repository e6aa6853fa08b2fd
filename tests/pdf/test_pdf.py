"""Accessible, small PDFs: PDF/UA-1 tagging read back from the file, sizes, image resolution."""

from __future__ import annotations

import io
import re
import subprocess
import sys

import pikepdf
import pytest
from PIL import Image
from pypdf import PdfReader

from brochures.builders.pipeline import BuildResult
from tests.conftest import ROOT, SAMPLE_CONTENT, structure

TEXT_ONLY_LIMIT = 150 * 1024


@pytest.fixture(scope="module")
def sample(sample_build) -> BuildResult:
    """The session's build of the sample catalogue (tests/conftest.py)."""
    result, _ = sample_build
    assert not result.problems
    return result


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_pdf_ua_catalogue_entries(sample, lang):
    path = next(o.path for o in sample.outputs if o.path.parent.name == lang)
    reader = PdfReader(path)
    root = reader.trailer["/Root"]
    assert reader.pdf_header == "%PDF-1.7"
    assert root["/MarkInfo"]["/Marked"] == True  # noqa: E712 (pypdf's BooleanObject)
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == True, "title bar shows the title, not the file name"
    assert root["/Lang"] == lang
    assert "/StructTreeRoot" in root
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r"pdfuaid:part[^0-9]*1", xmp), "declares PDF/UA-1"
    assert reader.metadata.title in xmp


def test_structure_tree_has_real_headings_lists_tables_links_and_figures(branded):
    tags = [tag for tag, _ in structure(branded / "en" / "hand-care.pdf")]
    assert tags[0] == "Document"
    assert tags.count("H1") == 1
    assert tags.count("H2") >= 4  # two sections, sources, "for any questions"
    assert {"L", "LI", "LBody", "Table", "TR", "TH", "TD", "Link", "Figure"} <= set(tags)
    # Reading order follows the page: the title before the first section, sections in order.
    assert tags.index("H1") < tags.index("H2") < tags.index("Table")


def test_every_figure_is_described_and_the_decorative_image_is_not_a_figure(branded):
    figures = [alt for tag, alt in structure(branded / "fr" / "hand-care.pdf") if tag == "Figure"]
    assert figures == ["Une main à la paume rouge et sèche", "Code QR\xa0: cette brochure en ligne"]


def test_links_have_a_description(branded):
    reader = PdfReader(branded / "en" / "hand-care.pdf")
    contents = {str(a.get_object().get("/Contents")) for page in reader.pages for a in page.get("/Annots") or []}
    # described by what they say, as printed (tests/pdf/test_accessibility.py checks every link)
    assert {"450-555-0142", "info@smith-clinic.example.org", "https://brochures.example.org/en/hand-care"} <= contents


def test_text_only_brochures_are_small_and_sizes_are_reported(sample):
    for output in sample.outputs:
        assert output.size == output.path.stat().st_size
        assert output.size < TEXT_ONLY_LIMIT, output
    short = [o for o in sample.outputs if o.pages <= 5]
    assert short, "the sample has brochures of five pages or fewer"


def test_build_prints_each_size(catalogue, build):
    run = build(catalogue({}), "--lang", "en")
    # one page of text, and the back page (the reader's questions, the contact box)
    assert re.search(r"built \S+minimal\.pdf \(2 pages, \d+ KB\)", run.out), run.out


def test_photos_are_downsampled_to_300_dpi_and_recompressed(catalogue, build):
    photo = Image.effect_noise((3000, 2000), 60).convert("RGB")
    data = io.BytesIO()
    photo.save(data, format="JPEG", quality=98)
    content = catalogue({
        "photo/en.md": "---\ntitle: Photo\n---\n![A waiting room](photo.jpg)\n",
        "photo/photo.jpg": data.getvalue(),
    })
    run = build(content, "photo", "--lang", "en")
    assert run.code == 0, run.err
    pdf = run.out_dir / "en" / "photo.pdf"
    sizes = {(x["/Width"], x["/Height"]) for page in PdfReader(pdf).pages
             for x in (x.get_object() for x in (page["/Resources"].get("/XObject") or {}).values())
             if x.get("/Subtype") == "/Image"}
    # Printed across the 5.4-inch column of a letter page: 1620 pixels are 300 dpi.
    assert sizes == {(1620, 1080)}
    assert pdf.stat().st_size < len(data.getvalue()) / 4


def test_mailing_limit_warns_but_builds(catalogue, build):
    run = build(catalogue({"site.yaml": "mail_limit: 1 KB\n"}), "--lang", "en")
    assert run.code == 0
    assert re.search(r"minimal/en\.md: warning: minimal\.pdf is \d+ KB, over the mailing limit of 1 KB", run.err)


def test_written_once_with_an_identifier_and_a_tree_that_reaches_every_element(sample):
    """The repair works on WeasyPrint's objects before they are written: the file has its /ID
    (derived from the input: both halves equal), qpdf finds nothing wrong, and no structure element
    or object reference is left outside the tree claiming a parent (pydyf writes every object)."""
    for output in sample.outputs:
        if output.path.suffix != ".pdf":
            continue
        checked = subprocess.run(["qpdf", "--check", str(output.path)], capture_output=True, text=True)
        assert checked.returncode == 0 and "No syntax or stream encoding errors" in checked.stdout, checked.stdout
        with pikepdf.open(output.path) as pdf:
            first, second = (bytes(half) for half in pdf.trailer.ID)
            assert len(first) == 16 and first == second
            reached, pending = set(), [pdf.Root.StructTreeRoot]
            while pending:
                node = pending.pop()
                kids = node.get("/K")
                for kid in (kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []):
                    if isinstance(kid, pikepdf.Dictionary):
                        reached.add(kid.objgen)
                        pending.append(kid)
            left = [obj.objgen for obj in pdf.objects if isinstance(obj, pikepdf.Dictionary)
                    and obj.get("/Type") in ("/StructElem", "/OBJR") and obj.objgen not in reached]
            assert left == [], output.path


def test_paragraphs_hold_their_text_without_a_span_per_line(sample):
    """WeasyPrint gives every line of text its own `Span`, which says nothing; the repair puts the
    lines' marked content in the paragraph itself (a span of the HTML keeps its element)."""
    path = next(o.path for o in sample.outputs if o.path.name == "immunotherapy.pdf" and o.path.parent.name == "en")
    with pikepdf.open(path) as pdf:
        paragraphs = [obj for obj in pdf.objects if isinstance(obj, pikepdf.Dictionary)
                      and obj.get("/Type") == "/StructElem" and obj.get("/S") == "/P"]
        direct = [p for p in paragraphs if any(isinstance(kid, int) or (isinstance(kid, pikepdf.Dictionary)
                                                                         and kid.get("/Type") == "/MCR")
                                               for kid in (p.K if isinstance(p.K, pikepdf.Array) else [p.K]))]
        assert len(paragraphs) > 20 and len(direct) >= 0.9 * len(paragraphs)


PROBE = """
import sys
from pathlib import Path
from brochures.builders.plan import Options, plan, variant_for
from brochures.builders.tasks import Task, run_task
from brochures.content.bundles import load_bundles
from brochures.content.catalogue import load_catalogue
options = Options(content_dir=Path(sys.argv[1]), out_dir=Path(sys.argv[2]), topics=("surgery",), langs=("fr",))
catalogue = load_catalogue(options.content_dir)
job = plan(catalogue, load_bundles(catalogue), options, []).jobs[0]
result = run_task(Task(catalogue, job, variant_for(options, catalogue), options))
print([str(output.path) for output in result.outputs], "pikepdf" in sys.modules)
"""


def test_rendering_imports_no_pikepdf(tmp_path):
    """The repair needs no PDF parser: a render process does not pay for importing one."""
    done = subprocess.run([sys.executable, "-c", PROBE, str(SAMPLE_CONTENT), str(tmp_path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.stdout.strip().splitlines()[-1] == f"[{str(tmp_path / 'fr' / 'surgery.pdf')!r}] False", done.stderr
