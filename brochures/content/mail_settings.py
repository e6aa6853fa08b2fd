"""`mail:` in `site.yaml`: the clinic's own mail server, through which `brochures kit --send` mails
each patient's kit.

Only the clinic's server is ever used, so that the kits go the way the clinic's other mail goes.
A message leaves this computer encrypted (STARTTLS or TLS); `security: none` is accepted only
for a server on this computer (a relay that encrypts onwards). The password is never a setting:
the content folder is shared and often kept in version control, so it comes from the
environment (`BROCHURES_SMTP_PASSWORD`) when the command runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from brochures.content.branding import EMAIL_RE
from brochures.content.schema import Mapping

MAIL_KEYS = ("host", "port", "from", "security", "username", "ca_file")
SECURITY = ("starttls", "tls", "none")
DEFAULT_PORTS = {"starttls": 587, "tls": 465, "none": 25}
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
HOST_RE = re.compile(r"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
                     r"|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*)$")  # a name, an IPv4 address, or an IPv6 one
PASSWORD_VARIABLE = "BROCHURES_SMTP_PASSWORD"


@dataclass(frozen=True)
class MailSettings:
    host: str
    port: int
    sender: str  # the `from` address; the organisation's name is shown with it
    security: str = "starttls"
    username: str | None = None  # log in when set, with the password from the environment
    ca_file: Path | None = None  # a certificate authority to trust besides the system's

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"


def read_mail(parent: Mapping, what: str, content_dir: Path) -> MailSettings | None:
    """The `mail:` settings, or None when there are none; problems go to `parent`'s list."""
    if parent.data.get("mail") is None:
        return None
    mapping = parent.child("mail")
    if mapping is None:
        parent.error("mail", f"{what}: 'mail' must be a mapping such as 'host: smtp.example.org'")
        return None
    what = f"{what}: mail"
    if "password" in mapping.data:
        mapping.error("password", f"{what}: never write the password in site.yaml, which others read; set it in "
                                  f"the environment variable {PASSWORD_VARIABLE} when sending")
    mapping.check_keys([*MAIL_KEYS, "password"], what)
    host = mapping.text("host", what, required=True)
    if host is not None and not HOST_RE.match(host):
        mapping.error("host", f"{what}: 'host' must be a server name such as smtp.example.org (without "
                              f"smtp:// or a port), got '{host}'")
        host = None
    sender = mapping.text("from", what, required=True)
    if sender is not None and not EMAIL_RE.match(sender):
        mapping.error("from", f"{what}: 'from' must be an address such as care-team@example.org, got '{sender}'")
        sender = None
    security = (mapping.text("security", what) or "starttls").lower()
    if security not in SECURITY:
        mapping.error("security", f"{what}: 'security' must be one of {', '.join(SECURITY)}, got '{security}'")
        security = "starttls"
    elif security == "none" and host is not None and host.lower() not in LOCAL_HOSTS:
        mapping.error("security", f"{what}: 'security: none' sends the kits in clear over the network; it is "
                                  f"allowed only for a server on this computer ({', '.join(LOCAL_HOSTS)}): "
                                  "use starttls or tls")
    port = _port(mapping, what, DEFAULT_PORTS[security])
    ca_file = _ca_file(mapping, what, content_dir)
    if host is None or sender is None:
        return None
    return MailSettings(host, port, sender, security, mapping.text("username", what), ca_file)


def _port(mapping: Mapping, what: str, default: int) -> int:
    value = mapping.data.get("port", default)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 65535:
        mapping.error("port", f"{what}: 'port' must be a port number from 1 to 65535 (usually 587 for starttls, "
                              f"465 for tls), got '{value}'")
        return default
    return value


def _ca_file(mapping: Mapping, what: str, content_dir: Path) -> Path | None:
    """A PEM file of certificate authorities, relative to the content folder or absolute."""
    name = mapping.text("ca_file", what)
    if name is None:
        return None
    path = content_dir / name
    if not path.is_file():
        mapping.error("ca_file", f"{what}: 'ca_file' '{name}' is not a file; name the certificate (PEM) of the "
                                 "authority that signed the server's certificate")
        return None
    return path
