"""The review workflow: drafts are marked on every page, approvals are signed and dated, and an
old review is a warning (an error under --strict), read back from the PDFs and the command line."""

from __future__ import annotations

import calendar
import datetime
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from brochures.builders.pipeline import Options, build
from brochures.cli import main
from brochures.content.review import next_review
from brochures.content.sync import mark_translated
from tests.conftest import MINIMAL_EN, pdf_text, render_page, write_tree

DRAFT_MARK = {"en": "DRAFT, not for distribution", "fr": "ÉBAUCHE, ne pas distribuer"}
LONG_BODY = "\n".join(f"## Section {n}\n\n" + "Some text for patients, one plain sentence at a time. " * 25 + "\n"
                      for n in range(1, 7))
APPROVED = "status: approved\nreviewed: 2025-03-14\nreviewed_by: Patient education committee\n"
TODAY = datetime.date(2025, 6, 1)


def topic(front: str, title: str = "Topic") -> str:
    return f"---\ntitle: {title}\n{front}---\n{LONG_BODY}"


def epoch(day: datetime.date) -> str:
    return str(calendar.timegm(day.timetuple()))


def one_line(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def drafts_and_approved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A draft and an approved topic in both languages, and bundles mixing them; built once."""
    content = write_tree(tmp_path_factory.mktemp("review") / "content", {
        "site.yaml": "review_months: 12\n",
        "draft/en.md": topic("status: draft\n", "Draft topic"),
        "draft/fr.md": topic("", "Sujet en ébauche"),  # no status: a draft
        "approved/en.md": topic(APPROVED, "Approved topic"),
        "approved/fr.md": topic(APPROVED, "Sujet approuvé"),
        "bundles.yaml": """\
            mixed:
              title: Mixed kit
              topics: [approved, draft]
            clean:
              title: Approved kit
              topics: [approved]
            """,
    })
    for topic_id in ("draft", "approved"):
        mark_translated(content, topic_id, "fr")  # the French texts are current translations
    out = content.parent / "dist"
    result = build(Options(content_dir=content, out_dir=out, today=TODAY))
    assert [str(p) for p in result.problems] == []
    assert len(result.outputs) == 8
    return out


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("name, draft", [("draft", True), ("approved", False),
                                         ("bundles/mixed", True), ("bundles/clean", False)])
def test_a_draft_is_marked_on_every_page_in_its_language(drafts_and_approved, lang, name, draft):
    reader = PdfReader(drafts_and_approved / lang / f"{name}.pdf")
    assert len(reader.pages) >= 3
    other = DRAFT_MARK["fr" if lang == "en" else "en"]
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert (DRAFT_MARK[lang] in text) == draft, f"page {number}: {text[:200]}"
        assert other not in text


@pytest.mark.parametrize("lang, reviewed, due", [
    ("en", "Last reviewed: March 14, 2025", "Next review: March 14, 2026"),
    ("fr", "Dernière révision : 14 mars 2025", "Prochaine révision : 14 mars 2026"),
])
def test_last_and_next_review_dates_print_in_the_readers_language(drafts_and_approved, lang, reviewed, due):
    text = one_line(pdf_text(drafts_and_approved / lang / "approved.pdf"))
    assert reviewed in text and due in text  # site.yaml review_months: 12
    draft_text = one_line(pdf_text(drafts_and_approved / lang / "draft.pdf"))
    assert "2025" not in draft_text, "a draft never reviewed prints no dates"


def test_the_draft_band_prints_in_the_margin_on_a_grey_printer(drafts_and_approved, tmp_path):
    """Dark pixels in the right margin of a grey render: the band is there and hides no text."""
    for name, expected in (("draft", True), ("approved", False)):
        image = Image.open(render_page(drafts_and_approved / "en" / f"{name}.pdf", 2, tmp_path, gray=True)).convert("L")
        width, height = image.size
        margin = image.crop((int(width * (1 - 0.85 / 8.5)), int(height * 0.3), width, int(height * 0.7)))
        dark = sum(1 for value in margin.get_flattened_data() if value < 100)
        assert (dark > 200) == expected, f"{name}: {dark} dark pixels in the right margin"


# (front matter lines, expected "path:line: message" problems)
FRONT_MATTER_PROBLEMS = [
    pytest.param("status: approved\n",
                 ["bad/en.md:3: front matter: 'status: approved' needs 'reviewed' (the date of the clinical "
                  "review, YYYY-MM-DD)",
                  "bad/en.md:3: front matter: 'status: approved' needs 'reviewed_by' (who reviewed it, "
                  "e.g. a name or a committee)"], id="approved-unsigned"),
    pytest.param("status: approved\nreviewed: 2025-01-10\n",
                 ["bad/en.md:3: front matter: 'status: approved' needs 'reviewed_by'"], id="no-reviewer"),
    pytest.param("reviewed_by: Dr. Tremblay\nstatus: approved\n",
                 ["bad/en.md:4: front matter: 'status: approved' needs 'reviewed' "], id="no-date"),
    pytest.param("status: approved\nreviewed: 2025-02-30\nreviewed_by: Dr. Tremblay\n",
                 ["bad/en.md:4: front matter: cannot read the value '2025-02-30'"], id="impossible-date"),
    pytest.param("status: final\n",
                 ["bad/en.md:3: front matter: 'status' must be draft or approved, got 'final'"], id="unknown-status"),
    pytest.param("reviewed_by: [Dr. A, Dr. B]\n",
                 ["bad/en.md:3: front matter: 'reviewed_by' must be text"], id="reviewer-list"),
    pytest.param("reviewd_by: Dr. A\n",
                 ["bad/en.md:3: front matter: unknown key 'reviewd_by' (did you mean 'reviewed_by'?)"], id="typo"),
]


@pytest.mark.parametrize("front, expected", FRONT_MATTER_PROBLEMS)
def test_review_front_matter_problems_name_the_file_and_line(catalogue, build, front, expected):
    content = catalogue({"site.yaml": "languages: [en]\n", "minimal/en.md": MINIMAL_EN,
                         "bad/en.md": f"---\ntitle: Bad\n{front}---\nText.\n"}, with_minimal=False)
    run = build(content)
    assert run.code == 1
    problems = [line for line in run.lines if not line.startswith(("failed: ", "done: "))]
    assert len(problems) == len(expected), run.err
    for line, start in zip(problems, expected):
        assert line.startswith(start) or f"/{start}" in line, f"{start!r} in {run.err}"
    assert (run.out_dir / "en" / "minimal.pdf").is_file(), "the other topics still build"


@pytest.mark.parametrize("value", ["0", "121", "two", "true", "1.5"])
def test_review_months_must_be_a_number_of_months(catalogue, build, value):
    run = build(catalogue({"site.yaml": f"languages: [en]\nreview_months: {value}\n"}))
    assert run.code == 1
    assert "site.yaml:2: site settings: 'review_months' must be a whole number of months from 1 to 120" in run.err


# (reviewed, site review_months, today, expected severity without --strict or None)
AGES = [
    pytest.param("2023-06-01", None, "2025-06-01", None, id="exactly-24-months-is-due-not-overdue"),
    pytest.param("2023-05-31", None, "2025-06-01", "warning", id="one-day-past-24-months"),
    pytest.param("2024-12-01", "6", "2025-06-02", "warning", id="site-period-6-months"),
    pytest.param("2024-12-01", "6", "2025-05-31", None, id="within-site-period"),
    pytest.param("2031-01-01", None, "2025-06-01", None, id="dated-in-the-future"),
]


@pytest.mark.parametrize("command", ["build", "check"])
@pytest.mark.parametrize("reviewed, months, today, severity", AGES)
def test_an_old_review_warns_and_fails_under_strict(catalogue, build, capsys, monkeypatch, command, reviewed,
                                                     months, today, severity):
    site = "languages: [en]\n" + (f"review_months: {months}\n" if months else "")
    content = catalogue({"site.yaml": site, "minimal/en.md": MINIMAL_EN, "old/en.md": topic(
        f"status: approved\nreviewed: {reviewed}\nreviewed_by: Dr. Tremblay\n")}, with_minimal=False)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch(datetime.date.fromisoformat(today)))

    def run(*flags: str) -> tuple[int, str, Path]:
        out = content.parent / f"dist{''.join(flags)}"
        if command == "build":
            done = build(content, *flags, out=out)
            return done.code, done.err, out
        code = main(["check", "--content", str(content), *flags])
        return code, capsys.readouterr().err, out

    (loose_code, loose_err, loose_out), (strict_code, strict_err, strict_out) = run(), run("--strict")
    if severity is None:
        assert (loose_code, strict_code) == (0, 0) and "overdue" not in loose_err + strict_err, strict_err
        return
    assert loose_code == 0, loose_err
    assert f"old/en.md:4: warning: review overdue: last reviewed {reviewed}, next review was due" in loose_err
    assert strict_code == 1, strict_err
    assert f"old/en.md:4: review overdue: last reviewed {reviewed}, next review was due" in strict_err
    if command == "build":
        assert (loose_out / "en" / "old.pdf").is_file()
        assert not (strict_out / "en" / "old.pdf").exists(), "an overdue text is not printed under --strict"
        assert (strict_out / "en" / "minimal.pdf").is_file(), "the other topics still build"


@pytest.mark.parametrize("reviewed, months, due", [
    ("2025-03-14", 24, "2027-03-14"),
    ("2024-01-31", 1, "2024-02-29"),
    ("2023-01-31", 1, "2023-02-28"),
    ("2024-02-29", 12, "2025-02-28"),
    ("2025-11-15", 3, "2026-02-15"),
    ("2025-12-31", 120, "2035-12-31"),
])
def test_next_review_adds_calendar_months(reviewed, months, due):
    assert next_review(datetime.date.fromisoformat(reviewed), months) == datetime.date.fromisoformat(due)


def test_source_date_epoch_sets_the_build_day(monkeypatch):
    from brochures.content.review import build_date

    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch(datetime.date(2030, 1, 2)))
    assert build_date() == datetime.date(2030, 1, 2)
    assert Options(content_dir=Path("c"), out_dir=Path("o")).today == datetime.date(2030, 1, 2)
