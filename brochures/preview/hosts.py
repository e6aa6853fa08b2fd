"""Which `Host` headers the preview answers: the address it listens on, and no name a stranger owns.

A web page the user opens elsewhere can point a domain name of its own at 127.0.0.1 (DNS
rebinding), and its scripts then talk to the preview as that domain: they could read the
dashboard and the kit page's token. Such a request carries the stranger's name in `Host`, so
the preview answers only its own address: the one it was bound to (with `localhost` for the
loopback), or, bound to every interface (0.0.0.0, ::), any IP address written as such, which
no DNS answer can stand for.
"""

from __future__ import annotations

import ipaddress

LOOPBACK_NAMES = ("localhost",)
WILDCARDS = ("0.0.0.0", "::", "")


def split_host(header: str) -> tuple[str, int | None] | None:
    """(host, port) of a Host header, lower-cased, IPv6 without brackets; None when malformed."""
    header = header.strip().lower()
    if header.startswith("["):
        host, _, rest = header[1:].partition("]")
        if rest and not rest.startswith(":"):
            return None
        port = rest[1:]
    else:
        host, _, port = header.partition(":")
    if not host or (port and not port.isdigit()):
        return None
    return host, int(port) if port else None


def host_allowed(header: str | None, bound: str, port: int) -> bool:
    """True when `header` names this server: its bound address (or, for the loopback, localhost)
    and its port (80 when the header names none)."""
    parts = split_host(header or "")
    if parts is None:
        return False
    host, given_port = parts
    if (given_port or 80) != port:
        return False
    if bound in WILDCARDS:
        return _is_ip(host) or host in LOOPBACK_NAMES
    if host == bound.lower().strip("[]"):
        return True
    return host in LOOPBACK_NAMES and _is_ip(bound) and ipaddress.ip_address(bound).is_loopback


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
