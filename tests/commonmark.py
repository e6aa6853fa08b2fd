"""The CommonMark specification's examples, built as topics and read back from the PDF.

Each example is its own topic (`example-0042/en.md`), converted alone by the real pipeline
(`topic_context`: Markdown, sanitiser, typography), so that no example leaks into the next (an
unclosed fence, a link definition). Rendering 652 brochures would take minutes, so the examples'
safe HTML is printed in a few documents, a hundred examples each, through the same template,
stylesheets, fitting and structure repair as any brochure, each example after a marker paragraph.
Each document is read back two ways (poppler's layout mode, PDFium by position on the page); a
word counts as printed when either reading has it.
"""

from __future__ import annotations

import re
import subprocess
import unicodedata
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

import pypdfium2
import tinyhtml5
from markupsafe import Markup

from brochures.builders.plan import Options, plan, variant_for
from brochures.builders.tasks import _cached, render_document
from brochures.builders.work import Task
from brochures.content.bundles import load_bundles
from brochures.content.catalogue import load_catalogue
from brochures.html.topic import topic_context
from brochures.pdf.urls import Roots
from brochures.problems import Problem

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "node_modules" / "commonmark-spec" / "spec.txt"
PER_DOCUMENT = 110
# Elements a browser does not display the content of.
HIDDEN = frozenset({"script", "style", "template", "title", "head"})
BLOCKS = frozenset("""p div li ul ol pre table tr td th h1 h2 h3 h4 h5 h6 blockquote hr br dd dt dl section
    aside figure figcaption caption thead tbody tfoot textarea""".split())
QUOTED = re.compile(r"'([^']*)'")
MARKERS = re.compile(r"QQ(\d{4})QQ")
# A Letter page, and where the examples print, in points from the bottom left: the text area with 8 pt
# to spare (brochure.css: margins of 1.55 in and 0.85 in) and the left margin, where a long list number
# hangs; the running header, the folio and the draft band are left out.
PAGE = (612, 792)
CONTENT = (0, 0.85 * 72 - 8, PAGE[0] - 1.55 * 72 + 8, PAGE[1] - 0.85 * 72 + 8)


@dataclass(frozen=True)
class Example:
    number: int
    section: str
    markdown: str
    html: str  # the output the specification expects


@dataclass
class Outcome:
    example: Example
    problems: list[Problem] = field(default_factory=list)
    printed: list[str] = field(default_factory=list)  # the example's text, per reading
    built: bool = True

    @property
    def missing(self) -> Counter:
        """Words of the expected output no reading found as often as expected, as words or, where
        the expected output glues two words ("[foo<a>https://…"), as letters in a row."""
        expected = Counter(words(displayed(self.example.html)))
        found: Counter = Counter()
        for text in self.printed:
            found |= Counter(words(text))
        missing = expected - found
        glued = ["".join(words(text)) for text in self.printed]
        return Counter({word: count for word, count in missing.items()
                        if max(stream.count(word) for stream in glued) < expected[word]})

    @property
    def told(self) -> bool:
        """Whether the writer is told what did not print: an error (nothing printed), or every
        missing word quoted in one of this example's messages."""
        if not self.built:
            return True
        quoted = Counter()
        for problem in self.problems:
            for text in QUOTED.findall(problem.message):
                quoted |= Counter(words(text))
        return not (self.missing - quoted)


def examples() -> list[Example]:
    """The examples of spec.txt, read as the package's own index.js reads them (tabs shown as →)."""
    assert SPEC.is_file(), "commonmark-spec is installed by make test (npm ci)"
    text = re.sub(r"^<!-- END TESTS -->(.|\n)*", "", SPEC.read_text(encoding="utf-8"), flags=re.M)
    found, section = [], ""
    pattern = re.compile(r"^`{32} example\n([\s\S]*?)^\.\n([\s\S]*?)^`{32}$|^#{1,6} *(.*)$", re.M)
    for match in pattern.finditer(text):
        if match.group(3) is not None:
            section = match.group(3)
        else:
            found.append(Example(len(found) + 1, section, match.group(1).replace("→", "\t"),
                                 match.group(2).replace("→", "\t")))
    return found


def words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", unicodedata.normalize("NFKC", text).lower())


def displayed(html: str) -> str:
    """The text a browser shows for `html`: no comments, scripts or styles; an ordered list's numbers."""
    body = tinyhtml5.parse(f"<body>{html}</body>", namespace_html_elements=False).find("body")
    out: list[str] = []

    def visit(element: ET.Element, number: int | None = None) -> None:
        if not isinstance(element.tag, str) or element.tag in HIDDEN:
            out.append(element.tail or "")
            return
        out.append(" " if element.tag in BLOCKS else "")
        if number is not None:
            out.append(f"{number}. ")
        out.append(element.text or "")
        start = _integer(element.get("start"), 1) if element.tag == "ol" else None
        for child in element:
            if start is not None and child.tag == "li":
                visit(child, start)
                start += 1
            else:
                visit(child)
        out.append(" " if element.tag in BLOCKS else "")
        out.append(element.tail or "")

    visit(body)
    return "".join(out)


def _integer(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def write_topics(folder: Path, chosen: list[Example]) -> Path:
    """A content folder with one topic per example."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "site.yaml").write_text("organisation: Corpus clinic\nphone: 514-555-0123\nlanguages: [en]\n",
                                      encoding="utf-8")
    for example in chosen:
        topic = folder / f"example-{example.number:04d}"
        topic.mkdir(parents=True)
        (topic / "en.md").write_text(f"---\ntitle: Example {example.number}\n---\n{example.markdown}",
                                     encoding="utf-8")
    return folder


def build_corpus(content: Path, out: Path, chosen: list[Example]) -> list[Outcome]:
    """Convert each example alone, print them a hundred to a document, read the documents back."""
    options = Options(content_dir=content, out_dir=out, web=False)
    catalogue = load_catalogue(content)
    problems: list[Problem] = list(catalogue.problems)
    jobs = {job.translations[0].topic_id: job for job in plan(catalogue, load_bundles(catalogue), options,
                                                               problems).jobs}
    variant = variant_for(options, catalogue)
    outcomes = []
    for start in range(0, len(chosen), PER_DOCUMENT):
        group = chosen[start:start + PER_DOCUMENT]
        task = Task(catalogue, jobs[f"example-{group[0].number:04d}"], variant, options)
        renderer, messages = _cached(task)
        uri = Roots.of(catalogue.content_dir, task.project_root).uri
        body, first, printed_here = [], None, []
        for example in group:
            job = jobs[f"example-{example.number:04d}"]
            topic, found = topic_context(catalogue, job.translations[0], False, messages.gettext, uri)
            found += [p for p in problems if p.path == job.src_path]
            outcome = Outcome(example, found, built=not any(p.severity == "error" for p in found))
            outcomes.append(outcome)
            if outcome.built:
                first = first or topic
                printed_here.append(outcome)
                body.append(f'<p>{marker(example.number)}</p><div class="example">{topic.body_html}</div>')
        body.append(f"<p>{marker(0)}</p>")
        combined = replace(first, title=f"Examples {group[0].number} to {group[-1].number}",
                           body_html=Markup("".join(body)))
        rendered_problems: list[Problem] = []
        rendered = render_document(task, (combined,), variant, renderer, messages, rendered_problems)
        assert rendered is not None, [str(p) for p in rendered_problems]
        pdf = out / f"examples-{group[0].number:04d}.pdf"
        pdf.write_bytes(rendered[0])
        for sections in (poppler_sections(pdf), pdfium_sections(pdf)):
            for outcome in printed_here:
                outcome.printed.append(_unmarked(sections.get(outcome.example.number, "")))
        for problem in rendered_problems:  # a layout warning goes to the example whose text it quotes
            owner = next((o for o in printed_here if any(t and t in o.example.markdown
                                                         for t in QUOTED.findall(problem.message))), None)
            if owner is not None:
                owner.problems.append(problem)
    return outcomes


def marker(number: int) -> str:
    return f"QQ{number:04d}QQ"


def poppler_sections(pdf: Path) -> dict[int, str]:
    """Each example's text as poppler lays the pages out (`pdftotext -layout`: its reading-order
    mode drops a list's numbers, and words after them)."""
    left, bottom, right, top = CONTENT
    text = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", "-x", str(round(left)), "-y", str(round(PAGE[1] - top)),
                           "-W", str(round(right - left)), "-H", str(round(top - bottom)), str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    parts = MARKERS.split(text)
    return {int(number): section for number, section in zip(parts[1::2], parts[2::2])}


def _unmarked(text: str) -> str:
    return MARKERS.sub(" ", text)


def pdfium_sections(pdf: Path) -> dict[int, str]:
    """Each example's text as PDFium reads the band of the page between its marker and the next
    (PDFium reads a list's numbers after the page's other text)."""
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        pages = [(page.get_textpage(), page.get_width(), page.get_height()) for page in document]
        assert all((width, height) == PAGE for _, width, height in pages), "the examples print on Letter pages"
        places = []  # (page, top of the marker, example number), in reading order
        for index, (textpage, _, _) in enumerate(pages):
            text = textpage.get_text_range()
            for match in MARKERS.finditer(text):
                places.append((index, textpage.get_charbox(match.start())[3], int(match.group(1))))
        sections = {}
        for (page, top, number), (end_page, end_top, _) in zip(places, places[1:]):
            parts = []
            for index in range(page, end_page + 1):
                textpage = pages[index][0]
                upper = top if index == page else CONTENT[3]
                lower = end_top if index == end_page else CONTENT[1]
                parts.append(textpage.get_text_bounded(left=CONTENT[0], bottom=lower, right=CONTENT[2], top=upper))
            sections[number] = "\n".join(parts)
        return sections
    finally:
        document.close()
