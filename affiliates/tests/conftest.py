"""A real HTTP server on 127.0.0.1 standing in for a partner's tracker."""

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class Received:
    method: str
    path: str
    headers: dict
    body: str


@dataclass
class PartnerServer:
    """Answers each request with the next status in `statuses` (the last one repeats)."""

    url: str
    statuses: list[int] = field(default_factory=lambda: [200])
    received: list[Received] = field(default_factory=list)

    def next_status(self) -> int:
        return self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]


@pytest.fixture
def partner_server(settings):
    """Start the server and allow postbacks to loopback for this test only."""
    settings.PARTNER_POSTBACK_ALLOW_PRIVATE = True
    state = PartnerServer(url="")

    class Handler(BaseHTTPRequestHandler):
        def _answer(self):
            length = int(self.headers.get("Content-Length") or 0)
            state.received.append(
                Received(
                    self.command,
                    self.path,
                    dict(self.headers),
                    self.rfile.read(length).decode() if length else "",
                )
            )
            status = state.next_status()
            self.send_response(status)
            if 300 <= status < 400:
                self.send_header("Location", f"{state.url}/redirected")
            self.end_headers()
            self.wfile.write(b"ok")

        do_GET = do_POST = _answer

        def log_message(self, *args):  # keep test output quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()
