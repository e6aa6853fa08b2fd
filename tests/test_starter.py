"""`brochures new`: a content folder to start from, never written over anything; and the commands
run inside a folder holding a site.yaml take it as the content folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from brochures.arguments import content_folder
from brochures.cli import main
from brochures.content.frontmatter import FRONT_MATTER_KEYS
from brochures.content.settings import SITE_KEYS
from brochures.resources import SAMPLE_DIR, STARTER_DIR


def tree(folder: Path) -> list[tuple[str, int]]:
    return sorted((str(p.relative_to(folder)), p.stat().st_mtime_ns) for p in folder.rglob("*"))


def test_new_writes_the_starter(tmp_path, capsys):
    assert main(["new", str(tmp_path / "clinic")]) == 0
    clinic = tmp_path / "clinic"
    files = {str(p.relative_to(clinic)) for p in clinic.rglob("*") if p.is_file()}
    topics = {p.name for p in clinic.iterdir() if p.is_dir()}
    assert {"site.yaml", "bundles.yaml", "README.md", ".gitignore"} <= files
    assert len(topics) == 1
    topic = topics.pop()
    assert {f"{topic}/en.md", f"{topic}/fr.md"} <= files
    for lang in ("en", "fr"):
        assert "status: draft" in (clinic / topic / f"{lang}.md").read_text(encoding="utf-8")
    assert "/dist/" in (clinic / ".gitignore").read_text()
    assert [p.name for p in tmp_path.iterdir()] == ["clinic"], "no staging folder left behind"
    assert "created" in capsys.readouterr().out


def test_every_site_key_is_explained_in_the_starter():
    text = (STARTER_DIR / "site.yaml").read_text(encoding="utf-8")
    missing = [key for key in SITE_KEYS if f"{key}:" not in text]
    assert missing == []


def test_the_writers_readme_names_the_front_matter_keys():
    text = (STARTER_DIR / "README.md").read_text(encoding="utf-8")
    assert [key for key in FRONT_MATTER_KEYS if f"{key}" not in text] == []


def test_the_starter_checks_clean(tmp_path, capsys):
    main(["new", str(tmp_path / "clinic")])
    capsys.readouterr()
    assert main(["check", "--content", str(tmp_path / "clinic"), "--readability", "--strict"]) == 0
    assert "0 error(s), 0 warning(s)" in capsys.readouterr().out


def test_new_fills_an_empty_folder(tmp_path):
    (tmp_path / "empty").mkdir()
    assert main(["new", str(tmp_path / "empty")]) == 0
    assert (tmp_path / "empty" / "site.yaml").is_file()


@pytest.mark.parametrize("existing", ["a file", "a folder with a file", "a hidden file", "a link"])
def test_new_refuses_what_is_there(tmp_path, capsys, existing):
    target = tmp_path / "target"
    if existing == "a file":
        target.write_text("mine\n")
    elif existing == "a link":
        (tmp_path / "elsewhere").mkdir()
        target.symlink_to(tmp_path / "elsewhere")
    else:
        target.mkdir()
        (target / (".hidden" if existing == "a hidden file" else "notes.txt")).write_text("mine\n")
    before = tree(tmp_path)
    assert main(["new", str(target)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(str(target)), err
    assert tree(tmp_path) == before, "nothing written, nothing left behind"


def test_new_sample_writes_the_sample_catalogue(tmp_path):
    assert main(["new", str(tmp_path / "sample"), "--sample"]) == 0
    shipped = {p.relative_to(SAMPLE_DIR) for p in SAMPLE_DIR.rglob("*") if p.is_file()}
    written = {p.relative_to(tmp_path / "sample") for p in (tmp_path / "sample").rglob("*") if p.is_file()}
    assert shipped and shipped == written - {Path(".gitignore")}


def test_a_folder_with_site_yaml_is_the_content_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert content_folder(None) == Path("content")
    main(["new", "clinic"])
    monkeypatch.chdir(tmp_path / "clinic")
    assert content_folder(None) == Path(".")
    assert content_folder(Path("elsewhere")) == Path("elsewhere")
    capsys.readouterr()
    assert main(["check"]) == 0
    assert "0 error(s)" in capsys.readouterr().out
    assert main(["check", "--content", "missing"]) == 1, "--content still wins"
