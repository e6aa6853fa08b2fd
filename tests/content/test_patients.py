"""A list of patients as spreadsheets export it (content/patients.py): commas or semicolons, a
byte-order mark, quoted cells across lines; each wrong row one line `FILE.csv:ROW: message` that
never repeats what the row holds, a wrong header the whole list's refusal, the other rows kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from brochures.cli import main
from brochures.content.kit import KitForm, RequestError
from brochures.content.patients import read_patients
from tests.conftest import SAMPLE_CONTENT

NAME = "Zéphyrine Quillfeather"


def listed(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "list.csv"
    path.write_bytes(text.encode(encoding))
    return path


def lines(problems) -> list[str]:
    return [f"{p.path.name}:{p.line}: {p.message}" for p in problems]


@pytest.mark.parametrize("text", [
    "id,name,lang,topics,note\r\np-1,Zéphyrine Quillfeather,fr,immunotherapy chemotherapy,\"Two lines,\nof a note\"\r\n",
    "\ufeffId;Name;Lang;Topics;Note\np-1;Zéphyrine Quillfeather;fr;immunotherapy  chemotherapy;\"Two lines,\nof a note\"\n",
])
def test_commas_or_semicolons_a_bom_and_a_note_on_two_lines(tmp_path, text):
    patients = read_patients(listed(tmp_path, text))
    assert patients.problems == () and patients.ids == ("p-1",)
    (patient,) = patients.patients
    assert patient.row == 2 and patient.id == "p-1"
    assert patient.form == KitForm(topics=("immunotherapy", "chemotherapy"), lang="fr", patient_name=NAME,
                                   note="Two lines,\nof a note")
    assert patient.email is None and patient.password is None and patient.large_print is None


def test_the_command_lines_values_are_every_rows_unless_a_cell_says_otherwise(tmp_path):
    text = "id,name,bundle,place,large_print\np-1,A B,,,\np-2,C D,starting-immunotherapy,Room 7,oui\n"
    defaults = KitForm(topics=("surgery",), lang="fr", place="Pavillon B")
    first, second = read_patients(listed(tmp_path, text), defaults).patients
    assert (first.form.topics, first.form.bundle, first.form.place, first.form.lang) == (("surgery",), "",
                                                                                        "Pavillon B", "fr")
    assert (second.form.topics, second.form.bundle, second.form.place) == ((), "starting-immunotherapy", "Room 7")
    assert (first.large_print, second.large_print) == (False, True)


def test_each_wrong_row_is_one_line_and_the_others_are_kept(tmp_path):
    text = ("id,name,topics,email,large_print,password\n"
            f"p-1,{NAME},immunotherapy,zq@example.org,no,pomme-17\n"
            "p 2,Bob Ray,immunotherapy,,,x1\n"  # row 3: not a file name
            f"quillfeather-3,{NAME},immunotherapy,,,x2\n"  # row 4: the name in the file name
            "p-4,Ann Lee,immunotherapy,not-an-address,maybe,\n"  # row 5: three wrong cells
            "p-5,Ann Lee,,,,x3\n"  # row 6: nothing to put in the kit
            "P-1,Ann Lee,immunotherapy,,,x4\n"  # row 7: the same file as row 2 on many disks
            "immunotherapy-7,Ann Lee,immunotherapy,,,x5\n"  # row 8: the treatment in the file name
            ",,,,,\n"  # left empty by the spreadsheet: not a row
            "p-8,Ann Lee,immunotherapy,,,x6,extra\n")  # row 10: a cell too many
    patients = read_patients(listed(tmp_path, text))
    assert [p.id for p in patients.patients] == ["p-1"]
    found = lines(patients.problems)
    assert [line.split(": ")[0] for line in found] == [
        "list.csv:3", "list.csv:4", "list.csv:5", "list.csv:5", "list.csv:5", "list.csv:6", "list.csv:7",
        "list.csv:8", "list.csv:10"]
    assert "id: use letters, digits, - and _ only" in found[0]
    assert "id: holds a word of the patient's name" in found[1]
    assert found[2:5] == ["list.csv:5: email: not an e-mail address such as name@example.org; correct it or "
                          "leave it empty", "list.csv:5: large_print: write yes or no (or leave it empty)",
                          "list.csv:5: password: empty; give every patient a password, or remove the column and "
                          "give --password-file"]
    assert "topics: empty" in found[5] and "id: also on row 2" in found[6] and "holds a word of a topic" in found[7]
    assert "7 cells, more than the 6 columns" in found[8]
    assert not any(word in line for line in found for word in ("Quillfeather", "Zéphyrine", "not-an-address",
                                                                "maybe", "Ann"))
    assert patients.ids == ("p-1", "p-4", "p-5", "p-8"), "ids a later --only may name"


def test_only_reads_the_rows_it_names(tmp_path):
    text = "id,name,topics\np-1,A B,immunotherapy\np-2,C D,\np-3,E F,surgery\n"
    patients = read_patients(listed(tmp_path, text), only=frozenset({"p-1", "p-3"}))
    assert [p.id for p in patients.patients] == ["p-1", "p-3"] and patients.problems == ()


@pytest.mark.parametrize("header, expected", [
    ("id,nmae,topic", ["list.csv:1: unknown column 'nmae' (did you mean 'name'?)",
                       "list.csv:1: unknown column 'topic' (did you mean 'topics'?)"]),
    ("name,topics", ["list.csv:1: no 'id' column"]),
    ("id,,topics", ["list.csv:1: column 2 has no name in the header row"]),
    ("id,Email,e-mail", ["list.csv:1: unknown column 'e-mail' (did you mean 'email'?)"]),
    ("id,email,EMAIL", ["list.csv:1: column 'email' is given twice"]),
])
def test_a_wrong_header_refuses_the_whole_list_naming_each_column(tmp_path, header, expected):
    with pytest.raises(RequestError) as refused:
        read_patients(listed(tmp_path, f"{header}\np-1,x,y\n"))
    found = [str(p).replace(str(tmp_path) + "/", "") for p in refused.value.problems]
    assert len(found) == len(expected)
    for line, start in zip(found, expected):
        assert line.startswith(start), line


def test_a_list_not_in_utf8_names_its_line(tmp_path):
    with pytest.raises(RequestError) as refused:
        read_patients(listed(tmp_path, f"id,name\np-1,x\np-2,{NAME}\n", "latin-1"))
    (problem,) = refused.value.problems
    assert problem.line == 3 and "export the list from the spreadsheet as CSV UTF-8" in problem.message


def test_the_command_refuses_what_cannot_go_with_a_list_before_rendering(tmp_path, capsys):
    path = listed(tmp_path, "id,name,topics\np-1,A B,immunotherapy\n")
    mailed = tmp_path / "mailed.csv"
    mailed.write_text("id,name,topics,email,password\np-1,A B,immunotherapy,a@example.org,x1\n", encoding="utf-8")
    (tmp_path / "password.txt").write_text("a password\n", encoding="utf-8")
    base = ["kit", "--content", str(SAMPLE_CONTENT), "--patients", str(path)]
    cases = {
        "--output names one kit's file": [*base, "--output", str(tmp_path / "k.pdf")],
        "--patient-name: with --patients": [*base, "--output-dir", str(tmp_path / "k"), "--patient-name", "X"],
        "--output-dir: name the folder": base,
        "--output-dir: the folder is inside the content folder": [*base, "--output-dir", str(SAMPLE_CONTENT / "k")],
        "--only: no row of the list has the id 'p-9'": [*base, "--output-dir", str(tmp_path / "k"), "--only", "p-9"],
        "--send: goes with --patients": ["kit", "immunotherapy", "--output", str(tmp_path / "k.pdf"), "--send"],
        "list.csv:1: --send: the list has no email column": [*base, "--output-dir", str(tmp_path / "k"), "--send",
                                                             "--password-file", str(tmp_path / "password.txt")],
        "--send: no 'mail:' settings": ["kit", "--content", str(SAMPLE_CONTENT), "--patients", str(mailed),
                                        "--output-dir", str(tmp_path / "k"), "--send"],
        "--password-file: the file is inside the content folder": [*base, "--output-dir", str(tmp_path / "k"),
                                                                   "--password-file", str(SAMPLE_CONTENT / "site.yaml")],
        "--password-file: the list has a password column": ["kit", "--content", str(SAMPLE_CONTENT), "--patients",
                                                            str(mailed), "--output-dir", str(tmp_path / "k"),
                                                            "--password-file", str(tmp_path / "password.txt")],
    }
    for expected, argv in cases.items():
        assert main(argv) == 2, expected
        assert expected in capsys.readouterr().err
    assert not (tmp_path / "k").exists() and not (SAMPLE_CONTENT / "k").exists()
