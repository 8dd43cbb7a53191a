"""Where a webhook may point (README, "Webhooks: SSRF").

A webhook makes this server send requests to an address an admin typed: without a check, an
admin account (or a stolen one) could make it call services only reachable from inside the
network (a cloud metadata address, a database's HTTP port). So a URL must be http or https,
and every address its host resolves to must be public, unless it falls in
``WEBHOOK_ALLOWED_PRIVATE_RANGES`` (none by default; loopback is added while ``DEBUG`` is on,
for a receiver on the developer's machine). The check runs when the endpoint is saved and
again before every delivery (a name may resolve elsewhere later). Redirects are not followed.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings

from crm.core.errors import ErrorCode, coded_error

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def allowed_private_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    ranges = list(settings.WEBHOOK_ALLOWED_PRIVATE_RANGES)
    if settings.DEBUG:
        ranges += ["127.0.0.0/8", "::1/128"]
    return [ipaddress.ip_network(value, strict=False) for value in ranges]


def is_public(address: Address) -> bool:
    return address.is_global and not address.is_multicast


def check_scheme(url: str) -> None:
    """http(s) with a host: 90051 otherwise."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - a port that is not a number raises here
    except ValueError:
        raise coded_error(ErrorCode.WEBHOOK_URL_INVALID, url) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise coded_error(ErrorCode.WEBHOOK_URL_INVALID, url)


def resolve(host: str, port: int) -> list[Address]:
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        return []
    return [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]


def check_destination(url: str, *, resolve_host: bool = True) -> None:
    """90051 for a URL that is not http(s); 90052 when its host is (or resolves to) an address
    that is not public and not allowed. A name that does not resolve passes here: the delivery
    checks again, and fails, while it does not."""
    check_scheme(url)
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        addresses: list[Address] = [ipaddress.ip_address(host)]
    except ValueError:
        if host.lower() == "localhost" or host.lower().endswith(".localhost"):
            addresses = [ipaddress.ip_address("127.0.0.1")]
        else:
            addresses = resolve(host, parts.port or 443) if resolve_host else []
    allowed = allowed_private_networks()
    for address in addresses:
        if not is_public(address) and not any(address in network for network in allowed):
            raise coded_error(ErrorCode.WEBHOOK_URL_PRIVATE, url)
