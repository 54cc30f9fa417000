"""Outgoing HTTP to partner URLs, refusing anything that is not a public address.

The host is resolved once, every address it resolves to is checked, and the connection
goes to that checked address (with the original Host header and TLS server name), so a
DNS answer that changes between the check and the request cannot reach our network.
Redirects are never followed. The timeout bounds the whole exchange, not each read: a
server that drips one byte at a time cannot hold the dispatcher.
"""

import contextlib
import http.client
import io
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

from config.errors import Refusal

# Never a partner's server, whatever they carry: site-local and IPv4-compatible addresses
# are deprecated (RFC 3879; RFC 4291 2.5.5.1), and local-use NAT64 (RFC 8215) is not
# globally reachable and puts the IPv4 address wherever the operator's prefix length says
# (RFC 6052 2.2), so no single reading of it is right.
_NEVER_PUBLIC = tuple(ipaddress.ip_network(net) for net in ("fec0::/10", "::/96", "64:ff9b:1::/48"))
# These carry an IPv4 address in their last 32 bits, and a packet sent to them is
# delivered to it: IPv4-translated (RFC 2765) and NAT64's well-known prefix (RFC 6052).
_LAST_32_BITS_IPV4 = tuple(ipaddress.ip_network(net) for net in ("::ffff:0:0:0/96", "64:ff9b::/96"))


class UnsafeTarget(Refusal):
    """Our rule refuses the URL: trying again would not change the answer."""

    code = "invalid_url"


class Unresolved(OSError):
    """The host did not resolve (perhaps only for now: DNS fails transiently)."""


@dataclass(frozen=True)
class HttpResult:
    status: int
    body: str


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> tuple[ipaddress.IPv4Address, ...]:
    """The IPv4 addresses an IPv6 address leads to: IPv4-mapped, -translated, NAT64 and
    6to4 carry one; Teredo carries its server's and its client's."""
    if ip.ipv4_mapped:
        return (ip.ipv4_mapped,)
    if any(ip in net for net in _LAST_32_BITS_IPV4):
        return (ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF),)
    if ip.sixtofour:
        return (ip.sixtofour,)
    return ip.teredo or ()


def _routable(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return ip.is_global and not ip.is_multicast


def is_public(address: str) -> bool:
    """A globally routable unicast address. `is_global` also rules out shared address
    space (100.64/10, where some clouds keep their metadata service), benchmarking and
    documentation ranges. An IPv6 form that carries IPv4 addresses is judged by them
    alone, whatever this Python's `is_global` says of the wrapper: its list of
    special-purpose ranges differs between versions."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        if any(ip in net for net in _NEVER_PUBLIC):
            return False
        if embedded := _embedded_ipv4(ip):
            return all(_routable(inner) for inner in embedded)
    return _routable(ip)


def check_url(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of an http(s) URL, or UnsafeTarget."""
    if not url.isascii() or any(ch <= " " or ch == "\x7f" for ch in url):
        raise UnsafeTarget(detail="The URL may contain only printable ASCII (no spaces).")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UnsafeTarget(detail="That is not a valid URL.") from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeTarget(detail="Only http:// and https:// URLs are allowed.")
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80)


def resolve(host: str, port: int, *, allow_private: bool | None = None) -> str:
    """The address to connect to; UnsafeTarget if any address of the host is not public
    (unless private targets are allowed: by default, as settings say for partner
    postbacks), Unresolved if it does not resolve."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise Unresolved(f"{host} does not resolve.") from exc
    addresses = [info[4][0] for info in infos]
    if allow_private is None:
        allow_private = settings.PARTNER_POSTBACK_ALLOW_PRIVATE
    if not allow_private:
        for address in addresses:
            if not is_public(address):
                raise UnsafeTarget(
                    detail=f"{host} resolves to {address}, which is not a public address."
                )
    return addresses[0]


def check_target(url: str) -> None:
    """What can be checked when a partner saves a URL. A host that does not resolve yet
    is let through: every delivery resolves and checks again before it connects."""
    _scheme, host, port = check_url(url)
    with contextlib.suppress(Unresolved):
        resolve(host, port)


class _Deadline:
    def __init__(self, seconds: float):
        self.at = time.monotonic() + seconds

    def left(self) -> float:
        left = self.at - time.monotonic()
        if left <= 0:
            raise TimeoutError("timed out")
        return left


class _DeadlineReader(io.RawIOBase):
    """The socket's bytes, each read bounded by what is left of the deadline. Reads go
    through the socket's own file object, which keeps the socket open for the response
    after the connection object lets go of it (as http.client does)."""

    def __init__(self, sock, deadline: _Deadline):
        self._sock, self._deadline = sock, deadline
        self._file = sock.makefile("rb", buffering=0)

    def readable(self):
        return True

    def readinto(self, buffer):
        self._sock.settimeout(self._deadline.left())
        return self._file.readinto(buffer)

    def close(self):
        self._file.close()
        super().close()


class _DeadlineSocket:
    """What http.client needs of a socket, with every send and read under one deadline."""

    def __init__(self, sock, deadline: _Deadline):
        self._sock, self._deadline = sock, deadline

    def sendall(self, data):
        self._sock.settimeout(self._deadline.left())
        self._sock.sendall(data)

    def makefile(self, mode, *args, **kwargs):
        return io.BufferedReader(_DeadlineReader(self._sock, self._deadline))

    def close(self):
        self._sock.close()


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host, port, address, deadline):
        super().__init__(host, port, timeout=deadline.left())
        self._address, self._deadline = address, deadline

    def _raw(self):
        return socket.create_connection((self._address, self.port), self._deadline.left())

    def connect(self):
        self.sock = _DeadlineSocket(self._raw(), self._deadline)


class _PinnedHTTPS(_PinnedHTTP):
    default_port = http.client.HTTPS_PORT

    def connect(self):
        raw = self._raw()
        raw.settimeout(self._deadline.left())
        wrapped = ssl.create_default_context().wrap_socket(raw, server_hostname=self.host)
        self.sock = _DeadlineSocket(wrapped, self._deadline)


def send(
    method: str,
    url: str,
    *,
    body: bytes | None = None,
    headers: dict | None = None,
    timeout: float | None = None,
    max_bytes: int = 500,
    allow_private: bool | None = None,
) -> HttpResult:
    """One request. Partner postbacks keep the defaults (their timeout, a 500-byte excerpt
    of the answer); other callers, such as network report sync, pass their own."""
    deadline = _Deadline(timeout or settings.PARTNER_POSTBACK_TIMEOUT)
    scheme, host, port = check_url(url)
    address = resolve(host, port, allow_private=allow_private)
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection_class = _PinnedHTTPS if scheme == "https" else _PinnedHTTP
    conn = connection_class(host, port, address, deadline)
    try:
        conn.request(
            method,
            target,
            body=body,
            headers={"User-Agent": "SaveBucks-Postback/1.0", **(headers or {})},
        )
        response = conn.getresponse()
        text = response.read(max_bytes).decode("utf-8", errors="replace")
        # PostgreSQL text cannot hold NUL; the excerpt is for people to read anyway.
        return HttpResult(response.status, text.replace("\x00", ""))
    finally:
        conn.close()
