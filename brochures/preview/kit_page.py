"""The preview's "Prepare a kit for a patient" page: a form, and the PDF it makes, never on disk.

The form posts back to the page; the answer is the PDF as a download (`Content-Disposition:
attachment`), so the form stays filled in the browser for the next kit, or the form again with
each problem beside its field. The patient's details live in that request only: nothing is
written, logged or cached (`Cache-Control: no-store`, and `autocomplete="off"` so that the
browser keeps no history of the fields). A request counts only when it comes from this page:
it must carry the token the page was served with (made anew each run) and an `Origin` that is
the preview's own; the whole server answers only its own address (preview/hosts.py).
"""

from __future__ import annotations

import hmac
import secrets
import threading
from dataclasses import dataclass
from html import escape
from pathlib import Path
from urllib.parse import parse_qs

from babel import Locale, UnknownLocaleError

from brochures.builders.kit import bug_line, make_kit
from brochures.content.bundles import load_bundles
from brochures.content.catalogue import Catalogue, load_catalogue
from brochures.content.editions import edition_catalogue, load_editions
from brochures.content.kit import NOTE_CHARS, KitForm
from brochures.content.settings import PAPER_SIZES
from brochures.preview.dashboard import STYLE
from brochures.problems import ContentError, Problem

PATH = "/_preview/kit"
MAX_BODY_BYTES = 64 * 1024
DOWNLOAD_NAME = "patient-kit.pdf"  # never the patient's name nor the topics
HEADERS = {  # the page holds no script and may not be framed by another page
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'",
    # not no-referrer: under it, browsers send the form's own POST with `Origin: null`
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
}
# Form field → (label, the option its problems start with).
FIELDS = {
    "topic": ("Brochures", "unknown topic"), "bundle": ("Or a bundle", "--bundle"), "lang": ("Language", "--lang"),
    "patient_name": ("Patient's name", "--patient-name"), "appointment": ("Appointment", "--appointment"),
    "place": ("Place", "--place"), "direct_line": ("Direct line", "--direct-line"), "note": ("Note", "--note"),
    "password": ("Password", "--password"),
}
KIT_CSS = """
form { max-width: 44rem; }
fieldset { border: 1px solid #666; margin: 0 0 1.2rem; padding: 0.6rem 1rem; }
legend { font-weight: 700; padding: 0 0.3rem; }
label { display: block; font-weight: 700; margin-top: 0.8rem; }
label.choice { display: inline; font-weight: 400; margin: 0 0 0 0.3rem; }
.choices div { margin: 0.3rem 0; }
input[type=text], input[type=tel], input[type=password], input[type=datetime-local], select, textarea {
  font: inherit; width: 100%; box-sizing: border-box; padding: 0.3rem; border: 1px solid #555; }
textarea { min-height: 8rem; }
.hint { color: #333; margin: 0.2rem 0 0.3rem; }
.error { color: #8c1d18; font-weight: 700; margin: 0.2rem 0; }
[aria-invalid=true] { border: 2px solid #8c1d18; }
.summary { border: 3px solid #8c1d18; padding: 0.5rem 1rem; margin: 1rem 0; }
.summary:focus { outline: 3px solid #111; }
button { font: inherit; font-weight: 700; padding: 0.5rem 1.2rem; margin-top: 1rem; }
input:focus, select:focus, textarea:focus, button:focus, a:focus { outline: 3px solid #111; outline-offset: 2px; }
"""


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    content_type: str
    headers: dict[str, str]


class KitPage:
    """The form and its answers for one run of `serve`; one kit is made at a time."""

    def __init__(self, content_dir: Path, edition: str | None = None) -> None:
        self.content_dir = content_dir
        self.edition = edition
        self.token = secrets.token_urlsafe(32)
        self._making = threading.Lock()

    def form(self) -> Answer:
        return self._page(200, {}, [])

    def post(self, body: bytes, origin: str | None, host: str | None) -> Answer:
        """The PDF for a request from this page, else the page again (or a refusal) saying why."""
        if origin is None or host is None or origin.lower() != f"http://{host.strip().lower()}":
            return _refusal(403, "refused: a kit is made only from the preview's own page; open it again from "
                                 "the dashboard")
        fields = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True, max_num_fields=100)
        given = fields.get("token", [""])[0]
        if not hmac.compare_digest(given.encode(), self.token.encode()):
            return _refusal(403, "refused: this form is out of date (the preview was started again); reload the "
                                 "page and fill it in again")
        one = {name: values[0] if values else "" for name, values in fields.items()}
        password = one.get("password", "")
        problems: list[Problem] = []
        if password != one.get("password_again", ""):
            problems.append(Problem(None, "--password: the two passwords differ; type the same one twice"))
        elif password:
            from brochures.pdf.encrypt import password_problem

            why = password_problem(password)
            if why:
                problems.append(Problem(None, f"--password: {why}"))
        form = KitForm(topics=tuple(fields.get("topic", [])), bundle=one.get("bundle", ""), lang=one.get("lang", ""),
                       patient_name=one.get("patient_name", ""), appointment=one.get("appointment", ""),
                       place=one.get("place", ""), direct_line=one.get("direct_line", ""), note=one.get("note", ""))
        if problems:
            return self._page(400, fields, problems)
        try:
            with self._making:
                kit = make_kit(self._catalogue(), form, large_print="large_print" in fields,
                               paper=one.get("paper") if one.get("paper") in PAPER_SIZES else None)
                data = kit.data
                if password:
                    from brochures.pdf.encrypt import encrypt

                    data = encrypt(data, password)
        except ContentError as exc:
            return self._page(400, fields, list(exc.problems))
        except Exception as exc:  # a bug: said without its message, which may quote the patient's details
            return self._page(500, fields, [Problem(None, bug_line(exc))])
        return Answer(200, data, "application/pdf",
                      {"Content-Disposition": f'attachment; filename="{DOWNLOAD_NAME}"', **HEADERS})

    def _catalogue(self) -> Catalogue:
        catalogue = load_catalogue(self.content_dir)
        if self.edition is not None:
            edition = next((e for e in load_editions(catalogue) or () if e.id == self.edition), None)
            if edition is None:
                raise ContentError(Problem(None, f"edition '{self.edition}' is not in editions.yaml"))
            catalogue = edition_catalogue(catalogue, edition)
        return catalogue

    def _page(self, status: int, fields: dict[str, list[str]], problems: list[Problem]) -> Answer:
        try:
            catalogue = self._catalogue()
        except ContentError as exc:
            body = "".join(f"<li>{escape(str(p))}</li>" for p in exc.problems)
            return Answer(500, _document(f"<p>The content cannot be read:</p><ul>{body}</ul>"),
                          "text/html; charset=utf-8", HEADERS)
        return Answer(status, _document(form_html(catalogue, self.token, fields, problems)),
                      "text/html; charset=utf-8", HEADERS)


def _refusal(status: int, line: str) -> Answer:
    return Answer(status, line.encode("utf-8"), "text/plain; charset=utf-8", HEADERS)


def _document(body: str) -> bytes:
    return ('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<title>Prepare a kit for a patient</title>\n'
            f'<style>{STYLE}{KIT_CSS}</style>\n</head>\n<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n'
            ).encode("utf-8")


def field_problems(problems: list[Problem]) -> tuple[dict[str, list[str]], list[str]]:
    """Each form field's problems (the option's name taken off), and the others."""
    by_field: dict[str, list[str]] = {}
    others = []
    for problem in problems:
        name = next((name for name, (_, option) in FIELDS.items() if problem.message.startswith(option)), None)
        if problem.message.startswith("name at least one topic"):  # said for the command line
            by_field.setdefault("topic", []).append("tick at least one brochure, or choose a bundle")
        elif name is None:
            others.append(str(problem))
        else:
            by_field.setdefault(name, []).append(problem.message.removeprefix(f"{FIELDS[name][1]}: "))
    return by_field, others


def form_html(catalogue: Catalogue, token: str, fields: dict[str, list[str]], problems: list[Problem]) -> str:
    site = catalogue.site
    errors, others = field_problems(problems)
    value = {name: values[0] if values else "" for name, values in fields.items()}

    def described(name: str, hint: str = "") -> tuple[str, str]:
        """The field's hint and problems, and the attributes that tie them to it."""
        ids = ([f"{name}-hint"] if hint else []) + [f"{name}-error-{n}" for n in range(len(errors.get(name, [])))]
        text = f'<p class="hint" id="{name}-hint">{hint}</p>' if hint else ""
        text += "".join(f'<p class="error" id="{name}-error-{n}">{escape(message)}</p>'
                        for n, message in enumerate(errors.get(name, [])))
        attributes = f' aria-describedby="{" ".join(ids)}"' if ids else ""
        invalid = name in errors and name != "topic"  # a fieldset has no aria-invalid
        return text, attributes + (' aria-invalid="true"' if invalid else "")

    def text_input(name: str, kind: str, hint: str = "", extra: str = "") -> str:
        label = FIELDS[name][0]
        hint_html, attributes = described(name, hint)
        shown = "" if kind == "password" else f' value="{escape(value.get(name, ""))}"'
        return (f'<label for="{name}">{label}</label>\n{hint_html}\n'
                f'<input type="{kind}" id="{name}" name="{name}"{shown}{attributes}{extra}>')

    chosen = set(fields.get("topic", []))
    topic_boxes = "\n".join(
        f'<div><input type="checkbox" id="topic-{escape(t.id)}" name="topic" value="{escape(t.id)}"'
        f'{" checked" if t.id in chosen else ""}><label class="choice" for="topic-{escape(t.id)}">'
        f"{escape(_title(t, site.languages))} ({escape(t.id)})</label></div>"
        for t in catalogue.topics.values())
    topics_hint, topics_attributes = described("topic", "Tick the brochures to include, in any number, or choose a "
                                                        "bundle below (or both).")
    bundles = load_bundles(catalogue).valid
    bundle_options = '<option value="">None</option>' + "".join(
        f'<option value="{escape(b.id)}"{" selected" if value.get("bundle") == b.id else ""}>'
        f"{escape(next(iter(b.titles.values()), b.id))} ({escape(b.id)})</option>" for b in bundles)
    bundle_hint, bundle_attributes = described("bundle")
    lang_options = "".join(f'<option value="{escape(lang)}"{" selected" if value.get("lang") == lang else ""}>'
                           f"{escape(_language_name(lang))} ({escape(lang)})</option>" for lang in site.languages)
    lang_hint, lang_attributes = described("lang", "The patient's language: the letter and the brochures are in it.")
    paper_options = "".join(f'<option value="{p}"{" selected" if (value.get("paper") or site.paper) == p else ""}>'
                            f"{p.capitalize() if p == 'letter' else p.upper()}</option>" for p in PAPER_SIZES)
    note_hint, note_attributes = described("note", f"Plain text, at most {NOTE_CHARS} characters, printed as "
                                                   "written (line breaks kept).")
    summary = ""
    if problems:
        items = [f'<li><a href="#{"topic-" + next(iter(catalogue.topics), "") if name == "topic" else name}">'
                 f"{FIELDS[name][0]}: {escape(message)}</a></li>"
                 for name, messages in errors.items() for message in messages]
        items += [f"<li>{escape(line)}</li>" for line in others]
        summary = (f'<div class="summary" role="alert" tabindex="-1" autofocus aria-labelledby="summary-title">\n'
                   f'<h2 id="summary-title">The kit was not made</h2>\n<ul>{"".join(items)}</ul>\n</div>\n')
    phone = escape(site.phone or "")
    return f"""<p><a href="/">Dashboard</a></p>
<h1>Prepare a kit for a patient</h1>
<p>One PDF for one patient: a cover letter in their language, the brochures you choose, and a page for
their questions. The browser downloads it; nothing you type here is kept by the preview, on disk or
elsewhere. Mail it, print it, or both.</p>
{summary}<form method="post" action="{PATH}" autocomplete="off">
<input type="hidden" name="token" value="{escape(token)}">
<fieldset{topics_attributes}>
<legend>Brochures</legend>
{topics_hint}
<div class="choices">
{topic_boxes}
</div>
<label for="bundle">Or a bundle</label>
{bundle_hint}
<select id="bundle" name="bundle"{bundle_attributes}>{bundle_options}</select>
</fieldset>
<fieldset>
<legend>Print</legend>
<label for="lang">Language</label>
{lang_hint}
<select id="lang" name="lang"{lang_attributes}>{lang_options}</select>
<label for="paper">Paper</label>
<select id="paper" name="paper">{paper_options}</select>
<div class="choices"><input type="checkbox" id="large_print" name="large_print"{" checked" if "large_print" in fields else ""}><label class="choice" for="large_print">Large print (17 pt text)</label></div>
</fieldset>
<fieldset>
<legend>The cover letter (each field optional)</legend>
{text_input("patient_name", "text", 'Printed after "Dear" (in French, "Bonjour").')}
{text_input("appointment", "datetime-local", "The date and time of the next appointment.")}
{text_input("place", "text", "Where the appointment is: building, floor, room.")}
{text_input("direct_line", "tel", f"The number the patient calls. Left empty: {phone or 'none'}.")}
<label for="note">Note</label>
{note_hint}
<textarea id="note" name="note" maxlength="{NOTE_CHARS}"{note_attributes}>{escape(value.get("note", ""))}</textarea>
</fieldset>
<fieldset>
<legend>Password (optional)</legend>
<p class="hint">With a password, the PDF opens only with it (AES-256). Give it to the patient another way than
the e-mail that carries the PDF: by phone, in person, or by text message.</p>
{text_input("password", "password", "", ' autocomplete="new-password"')}
<label for="password_again">Password again</label>
<input type="password" id="password_again" name="password_again" autocomplete="new-password">
</fieldset>
<button type="submit">Make the kit (PDF)</button>
</form>"""


def _title(topic, languages: tuple[str, ...]) -> str:
    return next((topic.translations[lang].title for lang in languages if lang in topic.translations), topic.id)


def _language_name(lang: str) -> str:
    """A language's name in itself, as its speakers look for it: "English", "français"."""
    try:
        return Locale.parse(lang).get_display_name(lang) or lang
    except (UnknownLocaleError, ValueError):
        return lang
