"""`build.py check` validates content without rendering anything."""

from __future__ import annotations

from brochures.cli import main
from brochures.content.catalogue import load_catalogue
from brochures.html.topic import topic_context
from tests.conftest import FIXTURES, SAMPLE_CONTENT


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


def test_check_finds_what_the_build_finds_in_each_topic(catalogue):
    """`check` leaves out the marks that only guide line and page breaks; the problems stay the same."""
    hostile = catalogue({
        "odd/en.md": "---\ntitle: Odd ☃ <b>\n---\n## Part\n\n<script>x()</script>\n\n- PD-L1 and "
                     "pembrolizumab ✓\n  - nested ⛄\n\n<img src='/etc/passwd'>\n\n[^1]\n\n[^1]: note ☃\n",
    })
    for content in (SAMPLE_CONTENT, FIXTURES / "features", FIXTURES / "branded", hostile):
        catalogue_ = load_catalogue(content)
        for topic in catalogue_.topics.values():
            for translation in topic.translations.values():
                for strict in (False, True):
                    full = topic_context(catalogue_, translation, strict)[1]
                    assert topic_context(catalogue_, translation, strict, layout=False)[1] == full
    problems = topic_context(load_catalogue(hostile), load_catalogue(hostile).topics["odd"].translations["en"])[1]
    assert len(problems) >= 3  # the script, the file outside, the snowmen: the comparison above has substance
