"""Layout text per language: catalogues in the content folder, gaps found without rendering,
and a third language added as content only (the Spanish fixture)."""

from __future__ import annotations

from pypdf import PdfReader

from brochures.cli import main
from brochures.html.messages import template_messages
from brochures.resources import TEMPLATES_DIR
from tests.conftest import FIXTURES, ROOT, pdf_text

SPANISH = FIXTURES / "spanish"


def test_spanish_fixture_builds_without_code_changes(build):
    run = build(SPANISH)
    assert run.code == 0 and run.err == "", run.err
    path = run.out_dir / "es" / "sample-topic.pdf"
    text = " ".join(pdf_text(path).split())
    for expected in ("Página 1 de 2", "Si tiene preguntas", "Última revisión: 14 de marzo de 2026",
                     "Información para pacientes y familiares".upper(), "Clínica de prueba"):
        assert expected in text, expected
    for english in ("Page 1 of", "For any questions", "Last reviewed", "Call your care team"):
        assert english not in text
    assert PdfReader(path).trailer["/Root"]["/Lang"] == "es"


def test_spanish_fixture_checks_clean(capsys):
    assert main(["check", "--content", str(SPANISH)]) == 0
    assert capsys.readouterr().err == ""


def test_every_template_message_is_in_the_french_catalogue(capsys):
    messages = template_messages([TEMPLATES_DIR])
    assert "Page {page} of {pages}" in messages and "For any questions" in messages
    po = (ROOT / "locales" / "fr.po").read_text(encoding="utf-8").replace('"\n"', "")
    for message in messages:
        assert f'msgid "{message}"' in po, message


def test_a_content_catalogue_comes_first_and_its_gaps_are_checked(catalogue, capsys, build):
    fr_po = (ROOT / "locales" / "fr.po").read_text(encoding="utf-8")
    own = fr_po.replace('msgstr "Pour toute question"', 'msgstr "Des questions ?"')
    content = catalogue({"locales/fr.po": own.replace('msgid "Sources"\nmsgstr "Sources"\n', "")})
    assert main(["check", "--content", str(content)]) == 1
    err = capsys.readouterr().err
    assert "locales/fr.po: no translation for layout text 'Sources' (used in sources.html.j2:3)" in err
    assert err.count("no translation for layout text") == 1

    (content / "locales" / "fr.po").write_text(own, encoding="utf-8")
    main(["check", "--content", str(content)])
    assert "layout text" not in capsys.readouterr().err
    run = build(content, "minimal", "--lang", "fr")
    assert run.code == 0, run.err
    assert "Des questions?" in pdf_text(run.out_dir / "fr" / "minimal.pdf"), "the clinic's wording, typeset"

    # Edited again, in the same process (as `watch` and `serve` do): the workers' layout text follows.
    (content / "locales" / "fr.po").write_text(own.replace("Des questions ?", "Une question ?"), encoding="utf-8")
    run = build(content, "minimal", "--lang", "fr")
    assert run.code == 0, run.err
    assert "Une question?" in pdf_text(run.out_dir / "fr" / "minimal.pdf")


def test_a_language_without_a_catalogue_is_reported(catalogue, build):
    content = catalogue({"site.yaml": "languages: [en, de]\n", "minimal/de.md": "---\ntitle: Test\n---\nText.\n"})
    run = build(content, "--lang", "de")
    assert run.code == 1
    assert "locales/de.po: no layout-text catalogue for 'de'" in run.err
