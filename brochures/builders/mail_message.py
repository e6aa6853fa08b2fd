"""The e-mail that carries one patient's locked kit: from the clinic, in the patient's language.

The words come from the layout-text catalogues (html/mail_text.py), checked for every language of
a run before anything renders, so that no patient gets an English fallback. Headers say no more
than a letter's envelope would: the clinic's name and address, the patient's address, a subject
naming the clinic only. The attachment has a plain name (`documents.pdf`), not the kit's file
name, which carries the clinic's id for the patient.
"""

from __future__ import annotations

import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid

from brochures.builders.work import Task
from brochures.content.catalogue import Catalogue
from brochures.content.mail_settings import MailSettings
from brochures.html.mail_text import MailText, mail_text
from brochures.html.messages import Messages, load_messages
from brochures.html.topic import locales_dirs
from brochures.problems import ContentError, Problem

ATTACHMENT = "documents.pdf"


class KitMail:
    """Messages for the kits of one run, by the catalogue's words in each patient's language."""

    def __init__(self, catalogue: Catalogue, settings: MailSettings) -> None:
        self.catalogue, self.settings = catalogue, settings
        self._messages: dict[str, Messages] = {}

    def problems(self, langs: set[str]) -> list[Problem]:
        """Why the message cannot be written in some of `langs` (a catalogue lacks its words)."""
        problems: list[Problem] = []
        for lang in sorted(langs):
            try:
                self._text(lang, "name", "+1 555 0100")
                self._text(lang, None, None)
            except ContentError as exc:
                problems.extend(exc.problems)
        return problems

    def message(self, task: Task, recipient: str, pdf: bytes) -> EmailMessage:
        """The message for the kit `task` made (`pdf`, locked), to `recipient`."""
        personal, lang = task.personal, task.job.lang
        assert personal is not None
        text = self._text(lang, personal.patient_name, personal.direct_line)
        organisation = self.catalogue.site.organisation_for(lang)
        message = EmailMessage(policy=SMTP)
        message["From"] = Address(display_name=organisation or "", addr_spec=self.settings.sender)
        message["To"] = recipient
        message["Subject"] = text.subject
        message["Date"] = format_datetime(datetime.datetime.now().astimezone())
        # the domain given: the default would be this computer's name
        message["Message-ID"] = make_msgid(domain=self.settings.sender.rpartition("@")[2])
        message.set_content(text.body, charset="utf-8")
        message.add_attachment(pdf, maintype="application", subtype="pdf", filename=ATTACHMENT)
        message["Content-Language"] = lang  # after the parts: setting them drops the Content- headers
        return message

    def _text(self, lang: str, name: str | None, phone: str | None) -> MailText:
        messages = self._messages.get(lang)
        if messages is None:
            messages = self._messages[lang] = load_messages(locales_dirs(self.catalogue), lang,
                                                            self.catalogue.site.typography)
        try:
            text = mail_text(messages.gettext, self.catalogue.site.organisation_for(lang), phone, name)
        except (KeyError, ValueError, TypeError):  # a translation whose %(...)s placeholders are wrong
            raise ContentError(Problem(messages.catalogue_path, "the e-mail's layout text cannot be filled in: "
                                                                "check its placeholders, such as %(name)s")) from None
        if messages.missing:
            raise ContentError(*messages.problems())
        return text
