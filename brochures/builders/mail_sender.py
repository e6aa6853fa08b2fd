"""Where the kits' messages go: the clinic's mail server (SMTP), or `.eml` files for a dry run.

One connection serves a run. It is opened, and the login tried, before anything renders, so
that a wrong setting costs no rendering; it is checked (NOOP) before each message and opened
again once if the server closed it while kits rendered. A message counts as sent only once
the server accepted it; a connection lost while sending ends the run's sending, never
followed by a second try of the same message, so no patient gets it twice. A refused
recipient or message is that patient's failure and sending goes on.

No line repeats what the server said about a recipient beyond its reply code and words with
the addresses left out, since the patients' addresses are personal details.
"""

from __future__ import annotations

import re
import smtplib
import socket
import ssl
from email.message import EmailMessage
from pathlib import Path

from brochures.content.mail_settings import MailSettings
from brochures.files import write_atomic

TIMEOUT_SECONDS = 30
EML_FILE_MODE = 0o600  # the message holds the patient's name and address
ADDRESS_RE = re.compile(r"<?[^\s<>]*@[^\s<>]*>?")


class Refused(Exception):
    """The server refused this message or its recipient: that patient's failure only."""


class Stopped(Exception):
    """No more messages can go in this run (the server is gone, refuses the sender...)."""


class SmtpOutbox:
    """Messages sent through the clinic's server, over one connection."""

    def __init__(self, settings: MailSettings, password: str | None) -> None:
        self.settings, self.password = settings, password
        self.smtp: smtplib.SMTP | None = None

    def open(self) -> None:
        """Connect (and log in); `Stopped` with a line saying what to check."""
        settings = self.settings
        try:
            context = ssl.create_default_context()
            if settings.ca_file is not None:
                context.load_verify_locations(cafile=str(settings.ca_file))
            if settings.security == "tls":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(settings.host, settings.port, timeout=TIMEOUT_SECONDS,
                                                      context=context)
            else:
                smtp = smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT_SECONDS)
            self.smtp = smtp
            smtp.ehlo()
            if settings.security == "starttls":
                smtp.starttls(context=context)
                smtp.ehlo()
            if settings.username is not None:
                smtp.login(settings.username, self.password or "")
        except smtplib.SMTPNotSupportedError:
            self.close()
            raise Stopped(f"the mail server {settings.where} does not offer STARTTLS; set 'security: tls' "
                          "(usually with port 465) if it encrypts from the start") from None
        except smtplib.SMTPAuthenticationError as exc:
            self.close()
            raise Stopped(f"the mail server {settings.where} refused the login ({exc.smtp_code}); check "
                          "'username' in site.yaml and the password in BROCHURES_SMTP_PASSWORD") from None
        except ssl.SSLCertVerificationError as exc:
            self.close()
            raise Stopped(f"the mail server {settings.where}'s certificate is not trusted ({exc.verify_message}); "
                          "if the clinic has its own certificate authority, name its certificate in site.yaml "
                          "'mail: ca_file'") from None
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            raise Stopped(f"cannot reach the mail server {settings.where}: {_reason(exc)}; check 'mail:' in "
                          "site.yaml and that the server is up") from None

    def send(self, kit_id: str, message: EmailMessage) -> None:
        """Send `message`; `Refused` for this patient only, `Stopped` for the rest of the run."""
        if not self._alive():
            self.open()
        assert self.smtp is not None
        try:
            self.smtp.send_message(message, from_addr=self.settings.sender, to_addrs=[str(message["To"])])
        except smtplib.SMTPRecipientsRefused as exc:
            code, said = next(iter(exc.recipients.values()), (0, b""))
            raise Refused(f"the mail server refused the address ({code} {_said(said)}); check the e-mail "
                          "address") from None
        except smtplib.SMTPSenderRefused as exc:
            raise Stopped(f"the mail server refused the sender address ({exc.smtp_code} {_said(exc.smtp_error)}); "
                          "check 'mail: from' in site.yaml") from None
        except smtplib.SMTPResponseException as exc:
            if exc.smtp_code == 421:  # the server is closing the connection
                self.close()
                raise Stopped(f"the mail server {self.settings.where} stopped ({_said(exc.smtp_error)})") from None
            raise Refused(f"the mail server refused the message ({exc.smtp_code} {_said(exc.smtp_error)})") from None
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            raise Stopped(f"the mail server {self.settings.where} stopped answering ({_reason(exc)})") from None

    def describe(self, kit_id: str) -> str:
        return "sent"

    def close(self) -> None:
        if self.smtp is None:
            return
        try:
            self.smtp.quit()
        except (smtplib.SMTPException, OSError):
            self.smtp.close()
        self.smtp = None

    def _alive(self) -> bool:
        if self.smtp is None:
            return False
        try:
            return self.smtp.noop()[0] == 250
        except (smtplib.SMTPException, OSError):
            self.smtp.close()
            self.smtp = None
            return False


class DryRunOutbox:
    """Each message written as `<id>.eml` into the output folder instead of being sent."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def open(self) -> None:
        pass

    def send(self, kit_id: str, message: EmailMessage) -> None:
        try:
            write_atomic(self.folder / f"{kit_id}.eml", message.as_bytes(), mode=EML_FILE_MODE)
        except OSError as exc:
            raise Stopped(f"cannot write {self.folder / kit_id}.eml: {exc.strerror}") from None

    def describe(self, kit_id: str) -> str:
        return f"message written to {self.folder / kit_id}.eml, not sent"

    def close(self) -> None:
        pass


def _said(text: bytes | str) -> str:
    """The server's words, addresses left out, on one short line."""
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return " ".join(ADDRESS_RE.sub("<address>", words).split())[:120]


def _reason(exc: BaseException) -> str:
    if isinstance(exc, socket.timeout):
        return f"no answer within {TIMEOUT_SECONDS} s"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return _said(str(exc)) or type(exc).__name__
