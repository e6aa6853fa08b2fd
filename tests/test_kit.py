"""`brochures kit`: one patient's PDF, read back: the cover letter holds the personal details in the
patient's language, the title and metadata hold none of them, the contents' page numbers are those
of the brochures that follow, validators we did not write pass, a password locks it, and every
mistake is one line with no file written."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import outloud
import page as page_validation
import pikepdf
import pytest
from pypdf import PdfReader

from brochures.cli import main
from brochures.content.bundles import load_bundles
from brochures.content.catalogue import load_catalogue
from tests.conftest import MINIMAL_EN, SAMPLE_CONTENT, render_page, write_tree
from tests.pdf.test_accessibility import ALLOWED_WARNINGS
from tests.pdf.test_forms import FILL_PDFJS, needs_pdfjs
from tests.pdfread import outline

NAME = "Zéphyrine Quillfeather-Oyelaran"
PLACE = "Pavilion B, room 204"
DIRECT = "514-555-0199"
# Markup, a template expression and a format field: all printed as written.
NOTE = "Bring your <b>medication</b> list & {{ 7*7 }} %(name)s.\nDo not eat after midnight."
PASSWORD = "correct horse battery"
TOPICS = ("immunotherapy", "chemotherapy", "radiation-therapy")  # the English kit's; the French one is a bundle's
BUNDLE = "starting-immunotherapy"


def titles(lang: str) -> tuple[str, ...]:
    """The titles the kit in `lang` holds, in order, as the catalogue has them."""
    catalogue = load_catalogue(SAMPLE_CONTENT)
    ids = TOPICS if lang == "en" else next(b.topics for b in load_bundles(catalogue).valid if b.id == BUNDLE)
    return tuple(catalogue.topics[topic_id].translations[lang].title for topic_id in ids)


def personal(lang: str) -> list[str]:
    return ["--patient-name", NAME, "--appointment", "2026-03-14 09:30", "--place", PLACE,
            "--direct-line", DIRECT, "--note", NOTE, "--lang", lang]


@pytest.fixture(scope="module")
def kits(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("kits")
    (out / "password.txt").write_text(PASSWORD + "\n", encoding="utf-8")
    runs = {
        "en": [*TOPICS, *personal("en")],
        "fr": ["--bundle", BUNDLE, *personal("fr")],
        "locked": [*TOPICS, *personal("en"), "--password-file", str(out / "password.txt")],
        "large": ["immunotherapy", "--large-print", "--paper", "a4", *personal("fr")],
    }
    for name, args in runs.items():
        assert main(["kit", "--content", str(SAMPLE_CONTENT), *args, "--output", str(out / f"{name}.pdf")]) == 0
    return {name: out / f"{name}.pdf" for name in runs}


def text(path: Path, first: int = 1, last: int | None = None) -> str:
    """pdftotext's text of pages `first` to `last`, white space (no-break spaces too) made plain."""
    done = subprocess.run(["pdftotext", "-f", str(first), *(["-l", str(last)] if last else []), str(path), "-"],
                          capture_output=True, text=True, check=True)
    return " ".join(done.stdout.split())


def test_the_cover_letter_holds_the_personal_details_in_english(kits):
    letter = text(kits["en"], 1, 1)
    assert f"Dear {NAME}," in letter
    assert "Saturday, March 14, 2026 at 9:30 AM" in letter
    assert f"Place: {PLACE}" in letter
    assert f"To reach your care team directly, call: {DIRECT}" in letter
    assert " ".join(NOTE.split()) in letter, "the note as written: no markup, no template, no formatting"
    assert "49" not in letter and "Sample Cancer Clinic" in letter


def test_the_cover_letter_holds_the_personal_details_in_french(kits):
    letter = text(kits["fr"], 1, 1)
    assert f"Bonjour {NAME}," in letter
    assert "samedi 14 mars 2026 à 09 h 30" in letter  # fr-CA, the site's convention
    assert f"Lieu : {PLACE}" in letter and DIRECT in letter
    assert " ".join(NOTE.split()) in letter
    assert "Clinique d’oncologie Exemple" in letter and "Dear" not in letter


def test_the_direct_line_is_a_link_to_call(kits):
    with pikepdf.open(kits["en"]) as pdf:
        uris = [str(a.A.URI) for a in pdf.pages[0].obj.get("/Annots") or [] if "/A" in a and "/URI" in a.A]
    assert uris == ["tel:+15145550199"]


def test_the_title_and_metadata_hold_no_personal_detail_nor_topic(kits):
    secrets = [NAME, "Quillfeather", PLACE, DIRECT, "medication", "2026-03-14", "March 14", "14 mars", "09:30", "9:30"]
    for name in ("en", "fr", "large"):
        with pikepdf.open(kits[name]) as pdf:
            info = {str(k): str(v) for k, v in pdf.docinfo.items()}
            xmp = bytes(pdf.Root.Metadata.read_bytes()).decode("utf-8")
        assert set(info) <= {"/Title", "/Author", "/Producer", "/Creator", "/CreationDate", "/ModDate"}, info
        expected = "Information from Sample Cancer Clinic" if name == "en" else \
            "Information transmise par Clinique d’oncologie Exemple"
        assert info["/Title"] == expected
        found = [s for s in secrets for where in (" ".join(info.values()), xmp) if s in where]
        topics = [t for t in titles("en") + titles("fr") if t in " ".join(info.values()) + xmp]
        assert found == [] and topics == [], (name, found, topics)
        assert not any(s in title for s in secrets for title, _, _ in outline(kits[name]))


def test_the_contents_give_the_pages_of_the_brochures_and_the_questions_that_follow(kits):
    for lang in ("en", "fr"):
        path = kits[lang]
        pages = len(PdfReader(path).pages)
        layout = subprocess.run(["pdftotext", "-layout", "-f", "2", "-l", "2", str(path), "-"], capture_output=True,
                                text=True, check=True).stdout
        listed = re.findall(r"^\s*(\S.*?)\s{2,}(\d+)$", layout, re.MULTILINE)
        questions = "My questions for my care team" if lang == "en" else "Mes questions pour mon équipe soignante"
        assert [title.strip() for title, _ in listed] == [*titles(lang), questions]
        bookmarks = {title: page for title, page, _ in outline(path)}
        for title, number in listed[:-1]:
            assert bookmarks[title.strip()] == int(number), (lang, title)
            assert text(path, int(number), int(number)).count(title.strip()) >= 1
        assert int(listed[-1][1]) == pages and questions in text(path, pages, pages)
        assert [title for title, _, _ in outline(path)][1:4] == list(titles(lang)), "the brochures, in order"


def test_page_validation_and_outloud_pass_on_kits(kits):
    for name in ("en", "fr", "large"):
        report = page_validation.validate_pdf(kits[name], profile="ua1")
        assert report.is_compliant, (name, sorted({f"{f.rule_id}: {f.message}" for f in report.failures}))
        result = outloud.check(str(kits[name]))
        assert result.error is None
        assert [f"{f.rule}: {f.message}" for f in result.findings if f.severity == "error"
                or (f.severity == "warning" and f.rule not in ALLOWED_WARNINGS)] == [], name


def test_a_locked_kit_needs_its_password_and_keeps_printing_filling_and_accessibility(kits):
    path = kits["locked"]
    assert subprocess.run(["qpdf", "--requires-password", str(path)]).returncode == 0
    with pytest.raises(pikepdf.PasswordError):
        pikepdf.open(path)
    with pikepdf.open(path, password=PASSWORD) as pdf:
        assert pdf.encryption.R == 6 and pdf.encryption.bits == 256
        assert str(pdf.encryption.stream_method).endswith("aesv3")
        allowed = pdf.allow
        assert allowed.accessibility and allowed.print_highres and allowed.modify_form and allowed.extract
        assert int(pdf.encryption.P) & (1 << 9), "bit 10: accessibility"
        locked_id = bytes(pdf.trailer.ID[0])
        assert len(pdf.pages) == len(PdfReader(kits["en"]).pages)
    with pikepdf.open(kits["en"]) as pdf:
        assert bytes(pdf.trailer.ID[0]) != locked_id, "the identifier, a hash of the page, is not kept"
    decrypted = subprocess.run(["pdftotext", "-upw", PASSWORD, "-l", "1", str(path), "-"], capture_output=True,
                               text=True, check=True).stdout
    assert f"Dear {NAME}," in " ".join(decrypted.split())
    assert subprocess.run(["pdftotext", "-upw", "wrong", str(path), "-"], capture_output=True).returncode != 0
    assert NAME.encode() not in path.read_bytes()


def test_a_locked_kit_opened_with_its_password_is_still_pdf_ua(kits, tmp_path):
    """Validators cannot open a locked file: qpdf unlocks a copy, which must pass as the original does."""
    unlocked = tmp_path / "unlocked.pdf"
    subprocess.run(["qpdf", f"--password={PASSWORD}", "--decrypt", str(kits["locked"]), str(unlocked)], check=True)
    report = page_validation.validate_pdf(unlocked, profile="ua1")
    assert report.is_compliant, sorted({f"{f.rule_id}: {f.message}" for f in report.failures})


@needs_pdfjs
def test_pdf_js_opens_a_locked_kit_with_its_password_and_fills_it(kits, tmp_path):
    """Firefox's reader: refused without the password; with it, the questions field is found, filled and
    saved, and the saved file still needs the password and holds the typed text."""
    command = ["node", str(FILL_PDFJS), str(kits["locked"]), str(tmp_path / "filled.pdf")]
    refused = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert refused.returncode != 0 and "password" in refused.stderr.lower()
    fields = json.loads(subprocess.run(command, capture_output=True, text=True, timeout=120, check=True,
                                       env={**os.environ, "PDF_PASSWORD": PASSWORD}).stdout)
    questions = [field["name"] for field in fields if field["type"] == "text" and field["multiLine"]]
    assert questions, fields
    typed = "Puis-je conduire après la séance ?"
    subprocess.run([*command[:-1], str(tmp_path / "filled.pdf"), json.dumps({questions[0]: typed})],
                   capture_output=True, text=True, timeout=120, check=True, env={**os.environ, "PDF_PASSWORD": PASSWORD})
    with pytest.raises(pikepdf.PasswordError):
        pikepdf.open(tmp_path / "filled.pdf")
    with pikepdf.open(tmp_path / "filled.pdf", password=PASSWORD) as pdf:
        values = {str(field.get("/T")): str(field.get("/V", "")) for field in pdf.Root.AcroForm.Fields}
    assert values[questions[0]] == typed


def test_large_print_kit_on_a4(kits):
    with pikepdf.open(kits["large"]) as pdf:
        assert [round(float(v)) for v in pdf.pages[0].mediabox] == [0, 0, 595, 842]
    assert "Bonjour" in text(kits["large"], 1, 1)


def test_the_kit_is_for_its_owner_only(kits):
    assert kits["en"].stat().st_mode & 0o077 == 0


def test_the_letter_pages_look_right(kits, tmp_path):
    """Drawn by poppler: the letter's page is not blank, and the contents page is the second."""
    from PIL import Image

    for lang in ("en", "fr"):
        image = Image.open(render_page(kits[lang], 1, tmp_path)).convert("L")
        dark = sum(image.histogram()[:128])
        assert dark > 2000, lang


# Mistakes: one line each, exit status 2, nothing written ----------------------------------------

@pytest.fixture
def kit(tmp_path, capsys):
    def run(*args: str, content: Path = SAMPLE_CONTENT, output: Path | None = None) -> tuple[int, list[str], Path]:
        output = output or tmp_path / "kit.pdf"
        try:
            code = main(["kit", "--content", str(content), *args, "--output", str(output)])
        except SystemExit as exc:  # argparse's way out
            code = exc.code
        captured = capsys.readouterr()
        return code, captured.err.splitlines(), output
    return run


@pytest.mark.parametrize("args, line", [
    (["immunotherap"], "unknown topic 'immunotherap' (did you mean 'immunotherapy'?)"),
    (["--bundle", "starting-immunotherap"], "--bundle: unknown bundle 'starting-immunotherap' "
                                            "(did you mean 'starting-immunotherapy'?)"),
    (["immunotherapy", "--appointment", "2026-02-30 09:30"], "--appointment: write a real date and time"),
    (["immunotherapy", "--appointment", "14/03/2026 9h30"], "--appointment: write a real date and time"),
    (["immunotherapy", "--note", "x" * 601], "--note: 601 characters, over the limit of 600; shorten it"),
    (["immunotherapy", "--note", "\n".join("abc" for _ in range(13))], "--note: 13 lines, over the limit of 12"),
    (["immunotherapy", "--lang", "de"], "--lang: unknown language 'de'"),
    (["immunotherapy", "--direct-line", "ask at the desk"], "--direct-line: write a phone number"),
    (["immunotherapy", "--patient-name", "Li 李"], "--patient-name: the character U+674E is in none of the shipped"),
    ([], "name at least one topic, or a bundle with --bundle ID"),
])
def test_each_mistake_is_one_line_and_no_file(kit, tmp_path, args, line):
    code, lines, output = kit(*args, "--patient-name", "Quillfeather") if "--patient-name" not in args else kit(*args)
    assert code == 2 and len(lines) == 1 and line in lines[0], lines
    assert not output.exists()
    assert "Quillfeather" not in lines[0] and "2026-02-30" not in lines[0] and "xxxx" not in lines[0]


def test_a_language_the_topic_lacks(kit, tmp_path):
    content = write_tree(tmp_path / "content", {"site.yaml": "languages: [en, fr]\nphone: 514-555-0123\n",
                                                "english-only/en.md": MINIMAL_EN})
    code, lines, output = kit("english-only", "--lang", "fr", content=content)
    assert code == 2 and len(lines) == 1 and "--lang: topic 'english-only' has no 'fr' version (it has: en)" in lines[0]
    assert not output.exists()


def test_a_failed_kit_keeps_the_earlier_file(kit, tmp_path):
    earlier = tmp_path / "kit.pdf"
    earlier.write_bytes(b"%PDF- the earlier kit")
    code, _, _ = kit("immunotherapy", "--appointment", "tomorrow")
    assert code == 2 and earlier.read_bytes() == b"%PDF- the earlier kit"


@pytest.mark.parametrize("args, line", [
    (["--password", "hunter2"], "--password: other users can read a command line"),
    (["--password=hunter2"], "--password: other users can read a command line"),
    (["--html"], "--html is refused for kits"),
])
def test_refused_options_say_why_in_one_line(kit, args, line):
    code, lines, output = kit("immunotherapy", *args)
    assert code == 2 and lines == [lines[0]] and line in lines[0] and "hunter2" not in lines[0]
    assert not output.exists()


def test_the_output_may_not_be_in_the_content_folder(kit, tmp_path):
    content = write_tree(tmp_path / "content", {"site.yaml": "languages: [en]\n", "topic/en.md": MINIMAL_EN})
    code, lines, output = kit("topic", content=content, output=content / "kit.pdf")
    assert code == 2 and "inside the content folder" in lines[0] and not output.exists()


def test_a_password_file_that_is_empty_or_missing(kit, tmp_path):
    (tmp_path / "empty.txt").write_text("\n")
    code, lines, output = kit("immunotherapy", "--password-file", str(tmp_path / "empty.txt"))
    assert code == 2 and lines == ["--password-file: the password is empty"] and not output.exists()
    code, lines, output = kit("immunotherapy", "--password-file", str(tmp_path / "missing.txt"))
    assert code == 2 and "cannot read" in lines[0] and not output.exists()


def test_a_kit_of_a_site_without_organisation_or_phone_and_no_personal_detail(kit, tmp_path):
    content = write_tree(tmp_path / "content", {"site.yaml": "languages: [en]\n", "topic/en.md": MINIMAL_EN})
    code, lines, output = kit("topic", content=content)
    assert code == 0, lines
    letter = text(output, 1, 1)
    assert "Hello," in letter and "Dear" not in letter and "appointment" not in letter.lower()
    assert "call:" not in letter
    with pikepdf.open(output) as pdf:
        assert str(pdf.docinfo.Title) == "Information from your care team"
