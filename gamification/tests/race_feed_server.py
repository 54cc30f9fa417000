"""A local stand-in for the partner's stats API: a ThreadingHTTPServer on 127.0.0.1
(reachable because the tests set RACE_STATS_ALLOW_PRIVATE) that checks the bearer token,
answers the queued (status, body) pairs in turn (the last one repeats) and records every
request's headers."""

import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOKEN = "race-token-s3cret"


@dataclass
class FakeStats:
    answers: list[tuple[int, bytes]] = field(default_factory=list)
    requests: list[dict] = field(default_factory=list)
    url: str = ""

    def answer(self) -> tuple[int, bytes]:
        index = min(len(self.requests) - 1, len(self.answers) - 1)
        return self.answers[index]


@contextmanager
def stats_server(*answers: tuple[int, bytes]):
    fake = FakeStats(answers=list(answers))

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            fake.requests.append(dict(self.headers))
            if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                status, body = 401, b'{"error": "unauthorised"}'
            else:
                status, body = fake.answer()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}/api/stats"
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
