"""Outgoing HTTP to partner URLs, refusing anything that is not a public address.

The host is resolved once, every address it resolves to is checked, and the connection
goes to that checked address (with the original Host header and TLS server name), so a
DNS answer that changes between the check and the request cannot reach our network.
Redirects are never followed.
"""

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings


class UnsafeTarget(Exception):
    pass


@dataclass(frozen=True)
class HttpResult:
    status: int
    body: str


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    return not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


def check_url(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of an http(s) URL, or UnsafeTarget."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeTarget("Only http:// and https:// URLs are allowed.")
    return parts.scheme, parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)


def resolve(host: str, port: int) -> str:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise UnsafeTarget(f"{host} does not resolve.") from exc
    addresses = [info[4][0] for info in infos]
    if not settings.PARTNER_POSTBACK_ALLOW_PRIVATE:
        for address in addresses:
            if not _public(address):
                raise UnsafeTarget(f"{host} resolves to {address}, which is not a public address.")
    return addresses[0]


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self):
        raw = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)


def send(
    method: str, url: str, *, body: bytes | None = None, headers: dict | None = None
) -> HttpResult:
    scheme, host, port = check_url(url)
    address = resolve(host, port)
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection_class = _PinnedHTTPS if scheme == "https" else _PinnedHTTP
    conn = connection_class(host, port, address, settings.PARTNER_POSTBACK_TIMEOUT)
    try:
        conn.request(
            method,
            target,
            body=body,
            headers={"User-Agent": "SaveBucks-Postback/1.0", **(headers or {})},
        )
        response = conn.getresponse()
        return HttpResult(response.status, response.read(500).decode("utf-8", errors="replace"))
    finally:
        conn.close()
