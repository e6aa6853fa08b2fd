"""`build.py check` validates content without rendering anything."""

from __future__ import annotations

from brochures.cli import main
from tests.conftest import SAMPLE_CONTENT


def test_check_passes_on_the_sample_catalogue(capsys):
    assert main(["check", "--content", str(SAMPLE_CONTENT)]) == 0
    assert capsys.readouterr().err == ""


def test_check_reports_problems_without_writing_anything(catalogue, tmp_path, capsys):
    content = catalogue({
        "broken/en.md": "---\ntitel: Oops\n---\nText\n",
        "broken/fr.md": "---\ntitle: Bon\n---\n![x](absent.png)\n",
    })
    before = sorted(p.name for p in tmp_path.rglob("*"))
    assert main(["check", "--content", str(content)]) == 1
    err = capsys.readouterr().err
    assert "broken/en.md:2: front matter: unknown key 'titel' (did you mean 'title'?)" in err
    assert "broken/fr.md:4: image 'absent.png' not found" in err
    assert sorted(p.name for p in tmp_path.rglob("*")) == before
