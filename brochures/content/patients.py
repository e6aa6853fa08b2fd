"""A clinic's list of patients for `brochures kit --patients`: a CSV file as a spreadsheet exports
it, one kit request per row, read in memory and checked without repeating what the rows hold.

The file is UTF-8 (a byte-order mark is welcome: spreadsheets write one), with commas or
semicolons (a French spreadsheet uses semicolons, since its decimal mark is a comma). Rows are
numbered as the spreadsheet shows them, the header being row 1, so that `FILE.csv:5: ...` points
at the row to correct. A problem in a row stops that row only; a problem in the header row stops
the whole list, since every row would be read wrong. The file is never copied or written.

Each row's `id` names its kit file, `<id>.pdf`. File names are seen by many (a folder's listing,
a backup, a mail attachment), so an id is a short code of letters, digits, `-` and `_`, and one
holding a word of the patient's name or of a topic is refused.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path

from brochures.content.branding import EMAIL_RE
from brochures.content.kit import KitForm, RequestError
from brochures.problems import Problem, did_you_mean

COLUMNS = ("id", "name", "lang", "topics", "bundle", "appointment", "place", "direct_line", "note",
           "large_print", "email", "password")
LIST_BYTES = 16 * 1024 * 1024  # tens of thousands of rows; a bigger file is not a list of patients
ID_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9_-]{0,62}[A-Za-z0-9])?$")
RESERVED_IDS = {"con", "prn", "aux", "nul", *(f"{p}{n}" for p in ("com", "lpt") for n in range(1, 10))}
NAME_WORD = 3  # a word of the name this long or longer may not be in an id
TOPIC_WORD = 5  # nor a word of a topic or bundle id this long ("chemotherapy", not "and")
YES = {"yes", "y", "true", "1", "x", "oui", "o", "vrai", "si", "sí"}  # as spreadsheets export booleans
NO = {"no", "n", "false", "0", "non", "faux", ""}


@dataclass(frozen=True)
class Patient:
    """One row: its kit request (the command line's values where a cell is empty), checked as far
    as the list alone allows; the catalogue checks the rest (builders/merge.py)."""

    row: int
    id: str
    form: KitForm
    large_print: bool | None  # None: as the command line says
    email: str | None
    password: str | None  # from the password column


@dataclass(frozen=True)
class PatientList:
    path: Path
    columns: tuple[str, ...]
    patients: tuple[Patient, ...]  # the rows that can be asked for
    problems: tuple[Problem, ...]  # one line per wrong row, `FILE.csv:ROW: message`
    ids: tuple[str, ...]  # every row's id that can name a file, in order, its row wrong or not


def read_patients(path: Path, defaults: KitForm = KitForm(), only: frozenset[str] | None = None) -> PatientList:
    """The list's rows (those whose id is in `only`, when given); a `RequestError` when the file or
    its header row cannot be read."""
    text = _text(path)
    lines = io.StringIO(text, newline="")
    header_line = lines.readline()
    delimiter = max((",", ";"), key=lambda d: len(next(csv.reader([header_line], delimiter=d), [])))
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise RequestError(Problem(path, f"cannot read the list as CSV ({exc}); export it again from the "
                                         "spreadsheet as CSV UTF-8")) from None
    if not records:
        raise RequestError(Problem(path, f"the list is empty; its first row names the columns: {', '.join(COLUMNS)}"))
    columns = _columns(records[0], path)
    patients: list[Patient] = []
    problems: list[Problem] = []
    ids: dict[str, int] = {}  # casefolded id → its row: two files may not differ by case alone
    usable: list[str] = []
    for number, cells in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in cells) or (only is not None and _id_cell(columns, cells) not in only):
            continue
        found: list[str] = []
        patient = _patient(number, columns, cells, defaults, found)
        if patient is not None and patient.id.casefold() in ids:
            found.append(f"id: also on row {ids[patient.id.casefold()]}; give each patient their own id")
        elif patient is not None:
            ids[patient.id.casefold()] = number
            usable.append(patient.id)
        problems.extend(Problem(path, message, number) for message in found)
        if patient is not None and not found:
            patients.append(patient)
    return PatientList(path, tuple(c for c in columns if c), tuple(patients), tuple(problems), tuple(usable))


def _id_cell(columns: list[str], cells: list[str]) -> str:
    index = columns.index("id")
    return cells[index].strip() if index < len(cells) else ""


def _text(path: Path) -> str:
    try:
        with open(path, "rb") as file:
            data = file.read(LIST_BYTES + 1)
    except OSError as exc:
        raise RequestError(Problem(path, f"--patients: cannot read the list: {exc.strerror}")) from None
    if len(data) > LIST_BYTES:
        raise RequestError(Problem(path, f"--patients: over {LIST_BYTES // (1024 * 1024)} MB; this is not a list "
                                         "of patients"))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RequestError(Problem(path, "not UTF-8 text; export the list from the spreadsheet as CSV UTF-8",
                                   data[: exc.start].count(b"\n") + 1)) from None


def _columns(header: list[str], path: Path) -> list[str]:
    """The column of each cell, "" for trailing nameless ones; every header problem at once."""
    names = [re.sub(r"[\s-]+", "_", cell.strip().casefold()) for cell in header]
    while names and not names[-1]:
        names.pop()
    problems = []
    for index, name in enumerate(names, start=1):
        if not name:
            problems.append(f"column {index} has no name in the header row; name it or delete it")
        elif name not in COLUMNS:
            problems.append(f"unknown column '{header[index - 1].strip()}' ({did_you_mean(name, COLUMNS)}); "
                            f"the columns are: {', '.join(COLUMNS)}")
        elif names.index(name) < index - 1:
            problems.append(f"column '{name}' is given twice; keep one")
    if "id" not in names:
        problems.append("no 'id' column: each row needs an id that names its kit file, such as p-0042")
    if problems:
        raise RequestError(*(Problem(path, message, 1) for message in problems))
    return names


def _patient(row: int, columns: list[str], cells: list[str], defaults: KitForm, found: list[str]) -> Patient | None:
    """The row as a request; each problem goes to `found`, never quoting a cell."""
    if any(cell.strip() for cell in cells[len(columns):]):
        found.append(f"{len(cells)} cells, more than the {len(columns)} columns of the header row; put a cell "
                     "holding a comma or a semicolon in quotes")
    cell = {name: value for name, value in zip(columns, cells) if name}
    kit_id = cell.get("id", "").strip()
    name = cell.get("name", "")
    form = replace(defaults, patient_name=name)
    for column, field in (("lang", "lang"), ("appointment", "appointment"), ("place", "place"),
                          ("direct_line", "direct_line"), ("note", "note")):
        if cell.get(column, "").strip():
            form = replace(form, **{field: cell[column].strip() if column != "note" else cell[column]})
    topics, bundle = cell.get("topics", "").split(), cell.get("bundle", "").strip()
    if topics or bundle:
        form = replace(form, topics=tuple(topics), bundle=bundle)
    elif not form.topics and not form.bundle:
        found.append("topics: empty; write topic ids separated by spaces, or a bundle in the bundle column "
                     "(or name them on the command line for every row)")
    usable_id = _check_id(kit_id, name, (*form.topics, form.bundle), found)
    email = cell.get("email", "").strip() or None
    if email is not None and not EMAIL_RE.match(email):
        found.append("email: not an e-mail address such as name@example.org; correct it or leave it empty")
    large_print = None
    if "large_print" in cell:
        answer = cell["large_print"].strip().casefold()
        large_print = True if answer in YES else False if answer in NO else None
        if answer not in YES | NO:
            found.append("large_print: write yes or no (or leave it empty)")
    password = cell["password"].strip() if "password" in cell else None
    if password == "":
        found.append("password: empty; give every patient a password, or remove the column and give "
                     "--password-file")
    return Patient(row, kit_id, form, large_print, email, password) if usable_id else None


def _check_id(kit_id: str, name: str, topics: tuple[str, ...], found: list[str]) -> bool:
    """Whether `kit_id` may name a file (and be printed: it never holds the name or a topic)."""
    if not kit_id:
        found.append("id: empty; each row needs an id that names its kit file, such as p-0042")
        return False
    if not ID_RE.match(kit_id) or kit_id.casefold() in RESERVED_IDS:
        found.append("id: use letters, digits, - and _ only (at most 64, starting and ending with a letter or "
                     "digit), such as p-0042: it names the kit file")
        return False
    plain = _plain(kit_id)
    if any(len(word) >= NAME_WORD and word in plain for word in re.findall(r"\w+", _plain(name))):
        found.append("id: holds a word of the patient's name; file names are seen by many, so use a number or "
                     "a code, such as p-0042")
        return False
    if any(len(word) >= TOPIC_WORD and word in plain for topic in topics for word in re.findall(r"\w+",
                                                                                                _plain(topic))):
        found.append("id: holds a word of a topic, which tells what the patient is treated for; file names are "
                     "seen by many, so use a number or a code, such as p-0042")
        return False
    return True


def _plain(text: str) -> str:
    """Lower case without accents, to compare an id with a name: "Zoé" and "zoe" are one word."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))
