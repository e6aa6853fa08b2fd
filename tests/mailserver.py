"""A real SMTP server on 127.0.0.1 for the tests (aiosmtpd), speaking STARTTLS with a certificate
made here by a certificate authority made here, and asking for a login (or TLS from the start, or
plain SMTP, as `security:` says).

With STARTTLS, the server requires it before a message and before the login (as a clinic's server
on port 587 does), so a message it received proves the client encrypted. It keeps what it received,
refuses the addresses it is told to, and can stop after a number of messages, as a server going
down does.
"""

from __future__ import annotations

import socket
import ssl
import subprocess
import threading
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USERNAME = "care-team"
PASSWORD = "smtp secret 7Qx"  # the server's, given through BROCHURES_SMTP_PASSWORD


def make_certificates(folder: Path) -> tuple[Path, Path, Path]:
    """(authority's certificate, server's certificate, server's key), for 127.0.0.1 and localhost."""
    ca_key, ca, key, csr, cert = (folder / name for name in ("ca.key", "ca.pem", "server.key", "server.csr",
                                                             "server.pem"))
    extensions = folder / "server.ext"
    extensions.write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n"
                          "basicConstraints=CA:FALSE\n")

    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], check=True, capture_output=True)

    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(ca_key), "-out", str(ca), "-days", "2",
            "-subj", "/CN=Test clinic authority")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(csr), "-subj", "/CN=127.0.0.1")
    openssl("x509", "-req", "-in", str(csr), "-CA", str(ca), "-CAkey", str(ca_key), "-CAcreateserial", "-out",
            str(cert), "-days", "2", "-extfile", str(extensions))
    return ca, cert, key


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage
    encrypted: bool
    logged_in: bool


class Handler:
    def __init__(self, refused: set[str], stop_after: int | None) -> None:
        self.refused, self.stop_after = refused, stop_after
        self.received: list[Received] = []
        self.enough = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: ANN001, ANN201
        if address in self.refused:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        encrypted = server.transport.get_extra_info("ssl_object") is not None
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message,  # type: ignore[arg-type]
                                      encrypted, bool(session.authenticated)))
        if self.stop_after is not None and len(self.received) >= self.stop_after:
            self.enough.set()
        return "250 Message accepted for delivery"


def _authenticate(server, session, envelope, mechanism, auth_data):  # noqa: ANN001, ANN202
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == USERNAME.encode() and \
        auth_data.password == PASSWORD.encode()
    return AuthResult(success=ok, handled=False)  # not handled: aiosmtpd answers 535 itself


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class MailServer:
    """`with MailServer(cert, key) as server:` a server on 127.0.0.1:`server.port`."""

    def __init__(self, cert: Path, key: Path, port: int | None = None, refused: set[str] = frozenset(),
                 stop_after: int | None = None, security: str = "starttls") -> None:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(str(cert), str(key))
        self.port = port or free_port()
        self.handler = Handler(set(refused), stop_after)
        kinds = {  # as site.yaml's `security:` says it, the login always over an encrypted connection
            "starttls": {"tls_context": context, "require_starttls": True, "authenticator": _authenticate,
                         "auth_required": True},
            "tls": {"ssl_context": context, "authenticator": _authenticate, "auth_required": True,
                    "auth_require_tls": False},  # encrypted from the start, which aiosmtpd does not see
            "none": {},
        }
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, **kinds[security])
        self.stopper: threading.Thread | None = None

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def __enter__(self) -> MailServer:
        self.controller.start()
        if self.handler.stop_after is not None:  # stopped from outside its loop, once the messages came
            self.stopper = threading.Thread(target=self._stop_when_enough, daemon=True)
            self.stopper.start()
        return self

    def _stop_when_enough(self) -> None:
        self.handler.enough.wait()
        self.stop()

    def stop(self) -> None:
        if self.controller._thread is not None:  # noqa: SLF001  (aiosmtpd has no public "running")
            self.controller.stop()

    def __exit__(self, *exc: object) -> None:
        self.handler.enough.set()
        if self.stopper is not None:
            self.stopper.join()
        self.stop()
