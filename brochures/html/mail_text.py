"""The words of the e-mail that carries a patient's kit, in the patient's language.

They are layout text like the templates' (English message ids, translated by the layout-text
catalogues, which a clinic may override), so `check` finds a catalogue that lacks them. The
subject and the body say who sends the file and how to open it, never what it is about: no
topic title, no treatment, nothing a mailbox's preview or a shared screen would give away.
The password is never in the message: the body says it comes another way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

SUBJECT = "Documents from your care team at %(organisation)s"
SUBJECT_PLAIN = "Documents from your care team"
GREETING = "Dear %(name)s,"
HELLO = "Hello,"
SENT = "Your care team sends you the documents attached to this message, in one PDF file."
PASSWORD = ("The file is protected by a password. Your care team gives you the password another way: in "
            "person, by phone or by text message. It is never sent by e-mail.")
OPENING = ("To open the file, save it, open it with a PDF reader (on a computer, a tablet or a phone) and type "
           "the password.")
CALL = "If you have questions, call your care team at %(phone)s."
SIGNATURE = "Your care team"
MAIL_MESSAGES = (SUBJECT, SUBJECT_PLAIN, GREETING, HELLO, SENT, PASSWORD, OPENING, CALL, SIGNATURE)


@dataclass(frozen=True)
class MailText:
    subject: str
    body: str  # plain text, lines joined with "\n"


def mail_text(gettext: Callable[[str], str], organisation: str | None, phone: str | None,
              name: str | None) -> MailText:
    """The subject and body for one patient (`name` may be None: "Hello,")."""
    subject = gettext(SUBJECT) % {"organisation": organisation} if organisation else gettext(SUBJECT_PLAIN)
    paragraphs = [gettext(GREETING) % {"name": name} if name else gettext(HELLO), gettext(SENT), gettext(PASSWORD),
                  gettext(OPENING)]
    if phone:
        paragraphs.append(gettext(CALL) % {"phone": phone})
    signature = gettext(SIGNATURE) + (f"\n{organisation}" if organisation else "")
    return MailText(" ".join(subject.split()), "\n\n".join([*paragraphs, signature]) + "\n")
