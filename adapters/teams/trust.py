"""Who may talk to the Teams route, and where its answers may go (pure functions).

With credentials, the Bot Framework token's `serviceurl` claim says which connector
the request came through; answers go there and nowhere else. In the local emulator
mode nothing is vouched for, so callers and serviceUrls must both be this machine.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from urllib.parse import SplitResult, urlsplit

# Headers a reverse proxy adds: behind one on this machine, every caller looks like loopback.
PROXY_HEADERS = ("Forwarded", "X-Forwarded-For", "X-Real-IP")
_DEFAULT_PORTS = {"http": 80, "https": 443}
# Whitespace, control characters and backslashes: where URL parsers disagree.
_UNSAFE = re.compile(r"[\x00-\x20\x7f\\]")


def is_loopback_address(host: str | None) -> bool:
    """127.0.0.0/8 or ::1 (also as ::ffff:127.x.y.z); a name is not an address."""
    if not host:
        return False
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback


def relayed(headers: Mapping[str, str]) -> bool:
    """Whether a proxy passed the request on (so its peer address says nothing)."""
    return any(name in headers for name in PROXY_HEADERS)


def is_loopback_url(url: object) -> bool:
    """http(s) to localhost or a loopback address, with nothing a parser could misread."""
    parts = _parts(url)
    if parts is None or parts.username is not None or parts.password is not None:
        return False
    host = parts.hostname
    return host == "localhost" or is_loopback_address(host)


def same_service_url(vouched: object, used: object) -> bool:
    """The two name the same connector: scheme and host in any case, the default port
    written or not, a trailing slash or not."""
    first, second = _normal(vouched), _normal(used)
    return first is not None and first == second


def _normal(url: object) -> tuple[object, ...] | None:
    parts = _parts(url)
    if parts is None:
        return None
    port = parts.port or _DEFAULT_PORTS[parts.scheme.lower()]
    return (
        parts.scheme.lower(),
        parts.username,
        parts.password,
        parts.hostname,
        port,
        parts.path.rstrip("/"),
        parts.query,
        parts.fragment,
    )


def _parts(url: object) -> SplitResult | None:
    if not isinstance(url, str) or not url or _UNSAFE.search(url):
        return None
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises ValueError for a port that is not one
    except ValueError:
        return None
    if parts.scheme.lower() not in _DEFAULT_PORTS or not parts.hostname:
        return None
    return parts
