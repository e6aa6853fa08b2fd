"""Editions: one catalogue built for several hospitals, each with its own name and phone number."""

from __future__ import annotations

import json

import pytest

from brochures.cli import main
from tests.conftest import pdf_text, write_tree

SITE = """\
organisation: Network Default
phone: 514-555-0000
languages: [en, fr]
"""
EDITIONS = """\
north:
  organisation: {en: North Hospital, fr: Hôpital du Nord}
  phone: 819-555-0101
south:
  organisation: South Clinic
  phone: 450-555-0202
  topics: [alpha]
  languages: [fr]
"""


def topic(title: str, related: str = "") -> str:
    extra = f"related: [{related}]\n" if related else ""
    return f"---\ntitle: {title}\n{extra}---\n## Section\n\nPlain words for patients.\n"


@pytest.fixture
def network(tmp_path):
    return write_tree(tmp_path / "content", {
        "site.yaml": SITE,
        "editions.yaml": EDITIONS,
        "alpha/en.md": topic("Alpha", "beta"),
        "alpha/fr.md": topic("Alpha fr", "beta"),
        "beta/en.md": topic("Beta"),
        "beta/fr.md": topic("Beta fr"),
    })


def rendered(run) -> set[str]:
    return set(json.loads((run.out_dir / "build-report.json").read_text(encoding="utf-8"))["rendered"])


def test_each_edition_gets_its_own_folder_name_and_phone(network, build):
    run = build(network)
    assert run.code == 0, run.err
    assert rendered(run) == {"north/en/alpha", "north/fr/alpha", "north/en/beta", "north/fr/beta", "south/fr/alpha"}
    pdfs = sorted(str(p.relative_to(run.out_dir)) for p in run.out_dir.rglob("*.pdf"))
    assert pdfs == ["north/en/alpha.pdf", "north/en/beta.pdf", "north/fr/alpha.pdf", "north/fr/beta.pdf",
                    "south/fr/alpha.pdf"]
    for rel in pdfs:
        text = pdf_text(run.out_dir / rel)
        mine, other = ("819-555-0101", "450-555-0202") if rel.startswith("north") else ("450-555-0202", "819-555-0101")
        assert mine in text and other not in text and "514-555-0000" not in text, rel
    assert "Hôpital du Nord" in pdf_text(run.out_dir / "north/fr/alpha.pdf")
    assert "North Hospital" in pdf_text(run.out_dir / "north/en/alpha.pdf")
    south = pdf_text(run.out_dir / "south/fr/alpha.pdf")
    assert "South Clinic" in south and "North" not in south and "Nord" not in south
    assert "Beta fr" in pdf_text(run.out_dir / "north/fr/alpha.pdf")
    assert "Beta fr" not in south, "a related topic the edition does not publish is left out"


def test_rebuilds_only_what_an_edit_touches(network, build):
    first = build(network)
    assert first.code == 0, first.err
    south_pdf = (first.out_dir / "south/fr/alpha.pdf").read_bytes()

    edited = (network / "editions.yaml").read_text(encoding="utf-8").replace("450-555-0202", "450-555-0299")
    (network / "editions.yaml").write_text(edited, encoding="utf-8")
    assert rendered(build(network)) == {"south/fr/alpha"}
    assert "450-555-0299" in pdf_text(first.out_dir / "south/fr/alpha.pdf")

    (network / "alpha/fr.md").write_text(topic("Alpha fr", "beta") + "\nOne more sentence.\n", encoding="utf-8")
    assert rendered(build(network)) == {"north/fr/alpha", "south/fr/alpha"}

    (network / "beta/fr.md").write_text(topic("Beta renamed"), encoding="utf-8")
    assert rendered(build(network)) == {"north/fr/beta", "north/fr/alpha"}  # its title prints in alpha

    run = build(network, "--edition", "south", "--force")
    assert rendered(run) == {"south/fr/alpha"}
    assert (first.out_dir / "south/fr/alpha.pdf").read_bytes() != south_pdf  # the new phone number
    again = build(network, "--edition", "south", "--force")
    assert (again.out_dir / "south/fr/alpha.pdf").read_bytes() == (run.out_dir / "south/fr/alpha.pdf").read_bytes()

    (network / "site.yaml").write_text(SITE + "website: https://example.org\n", encoding="utf-8")
    assert len(rendered(build(network))) == 5

    (network / "editions.yaml").write_text(EDITIONS.split("south:")[0], encoding="utf-8")
    run = build(network)
    assert run.code == 0 and "removed the outputs of edition 'south'" in run.err
    assert not (run.out_dir / "south/fr/alpha.pdf").exists() and (run.out_dir / "north/fr/alpha.pdf").exists()


@pytest.mark.parametrize("text, expected", [
    ("north:\n  phnoe: 1\n", ["editions.yaml:2: editions: edition 'north': unknown key 'phnoe' "
                              "(did you mean 'phone'?)"]),
    ("north:\n  phone: 1\nsouth:\n  topics: [alpah]\n",
     ["editions.yaml:4: editions: edition 'south': unknown topic 'alpah' in 'topics' (did you mean 'alpha'?)"]),
    ("north:\n  languages: [de]\n", ["editions.yaml:2: editions: edition 'north': unknown site language 'de' "
                                     "in 'languages' (known: en, fr)"]),
    ("north:\n  colors: {accent: \"#ffff00\"}\n", ["editions.yaml:2: editions: edition 'north': colour 'accent' "
                                                   "#ffff00 is too light"]),
    ("North Site:\n  phone: 1\n", ["editions.yaml:1: editions: edition 'North Site': edition ids use lowercase"]),
    ("north: [a, b]\n", ["editions.yaml:1: editions: edition 'north': expected settings under it"]),
    ("north:\n  logo: ../outside.svg\n", ["editions.yaml:2: editions: edition 'north': 'logo' must be a file "
                                          "inside the content folder"]),
])
def test_mistakes_are_named_with_their_line_and_nothing_is_built(network, build, capsys, text, expected):
    (network / "editions.yaml").write_text(text, encoding="utf-8")
    run = build(network)
    assert run.code == 1
    for line in expected:
        assert any(line in err for err in run.lines), run.err
    assert "Traceback" not in run.err
    assert not list(run.out_dir.rglob("*.pdf"))
    checked = main(["check", "--content", str(network)])
    err = capsys.readouterr().err
    assert checked == 1 and all(line in err for line in expected), err


def test_edition_option_names_a_known_edition(network, build, tmp_path):
    run = build(network, "--edition", "nort")
    assert run.code == 1 and "unknown edition 'nort' (did you mean 'north'?)" in run.err
    plain = write_tree(tmp_path / "plain", {"a/en.md": topic("A")})
    run = build(plain, "--edition", "north")
    assert run.code == 1 and "--edition needs editions.yaml" in run.err


def outputs(folder) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file() and p.name != "build-report.json"}


def test_adding_or_removing_editions_yaml_removes_the_outputs_laid_out_for_the_other_way(network, build):
    """Only what the records name goes; a user's file and another build into a subfolder stay."""
    editions = network / "editions.yaml"
    text = editions.read_text(encoding="utf-8")
    editions.unlink()
    before = build(network, "--lang", "fr", "--html")
    out = before.out_dir
    assert before.code == 0, before.err
    flat = outputs(out)
    assert {"fr/alpha.pdf", "fr/alpha.print.html", "fr/beta.pdf", "fr/alpha/index.html", "index.html",
            "assets/web.css"} <= flat, flat
    (out / "fr" / "notes.txt").write_text("a user's file", encoding="utf-8")
    archive = build(network, "--lang", "fr", "alpha", out=out / "archive")
    assert archive.code == 0, archive.err
    kept = {"fr/notes.txt"} | {f"archive/{rel}" for rel in outputs(out / "archive")}

    editions.write_text(text, encoding="utf-8")
    run = build(network, "--lang", "fr", "--html")
    assert run.code == 0, run.err
    assert [line for line in run.lines if "removed" in line] == [
        f"warning: removed the outputs built before editions.yaml at the top of {out}: each edition now has "
        "its own folder there"]
    per_edition = {rel for rel in outputs(out) if rel.startswith(("north/", "south/"))}
    assert {"north/fr/alpha.pdf", "north/fr/beta.pdf", "south/fr/alpha.pdf"} <= per_edition
    assert outputs(out) == kept | per_edition
    assert not (out / "assets").exists() and not (out / "fr" / "alpha").exists(), "folders left empty go too"

    editions.unlink()
    run = build(network, "--lang", "fr")
    assert run.code == 0, run.err
    assert [line for line in run.lines if "removed" in line] == [
        "warning: removed the outputs of edition 'north', now that there is no editions.yaml",
        "warning: removed the outputs of edition 'south', now that there is no editions.yaml"]
    assert not (out / "north").exists() and not (out / "south").exists()
    assert {"fr/alpha.pdf", "fr/beta.pdf", "index.html"} | kept <= outputs(out)
    assert "Network Default" in pdf_text(out / "fr" / "alpha.pdf")
