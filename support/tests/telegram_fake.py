"""A local stand-in for the Bot API: a threaded http.server on 127.0.0.1:0 that records
every call (method, JSON body, the token in the path) and answers from a script: each
call takes the next scripted answer, then the default (200, ok) once the script is used
up. Point TELEGRAM_API_BASE at `fake.base`."""

import json
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOKEN = "123456:fake-bot-token-s3cret"
SECRET = "webhook-secret_s3cret"
USERNAME = "savebucks_test_bot"

OK = (200, {"ok": True, "result": {"message_id": 1}})


def too_many(retry_after: int):
    return (
        429,
        {
            "ok": False,
            "error_code": 429,
            "description": f"Too Many Requests: retry after {retry_after}",
            "parameters": {"retry_after": retry_after},
        },
    )


BLOCKED = (
    403,
    {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"},
)
CHAT_NOT_FOUND = (
    400,
    {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"},
)
BAD = (400, {"ok": False, "error_code": 400, "description": "Bad Request: message is too long"})


@dataclass
class FakeBotApi:
    script: list = field(default_factory=list)
    calls: list = field(default_factory=list)
    base: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)
    # A test's virtual clock: each call records its reading as "at".
    clock: object = None

    def answer(self):
        with self.lock:
            return self.script.pop(0) if self.script else OK

    def sent(self, method: str = "sendMessage") -> list[dict]:
        return [call["json"] for call in self.calls if call["method"] == method]

    def texts_to(self, chat_id: int) -> list[str]:
        return [body["text"] for body in self.sent() if body["chat_id"] == chat_id]


@contextmanager
def fake_bot_api(*script):
    fake = FakeBotApi(script=list(script))

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            token, _, method = self.path.lstrip("/").partition("/")
            status, body = fake.answer()
            with fake.lock:
                fake.calls.append(
                    {
                        "method": method,
                        "token": token.removeprefix("bot"),
                        "json": json.loads(raw),
                        "at": fake.clock() if fake.clock else None,
                        "status": status,
                    }
                )
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    fake.base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()


def bot_on(settings, fake: FakeBotApi | None = None) -> None:
    """Configure the bot (pointed at `fake` when given)."""
    settings.TELEGRAM_BOT_TOKEN = TOKEN
    settings.TELEGRAM_BOT_USERNAME = USERNAME
    settings.TELEGRAM_WEBHOOK_SECRET = SECRET
    if fake is not None:
        settings.TELEGRAM_API_BASE = fake.base


def message_update(update_id: int, chat_id: int, text: str, username: str = "shopper") -> dict:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1767225600,
            "chat": {"id": chat_id, "type": "private"},
            "from": {"id": chat_id, "is_bot": False, "first_name": "S", "username": username},
            "text": text,
        },
    }
