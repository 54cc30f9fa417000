"""Local stand-ins for Awin's and CJ's report APIs, answering as their documentation shows.

Each runs a ThreadingHTTPServer on 127.0.0.1 (reachable because the test allows private
report endpoints), checks the bearer token and the date window as the real API would
(31 days at most), and records every request it was sent.
"""

import json
import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

MAX_DAYS = timedelta(days=31)
AWIN_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}")


def awin_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def cj_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class FakeApi:
    token: str
    url: str = ""
    # Awin: the transactions list, as Awin shows it. CJ: the commission records.
    transactions: list[dict] = field(default_factory=list)
    records: list[dict] = field(default_factory=list)
    cj_page_size: int = 2
    windows: list[tuple[datetime, datetime]] = field(default_factory=list)
    requests: list[dict] = field(default_factory=list)
    # Answer HTTP 500 to any request whose window starts at or after this moment.
    fail_from: datetime | None = None

    # --- Awin ---------------------------------------------------------------------

    def awin(self, path: str, query: dict[str, list[str]]) -> tuple[int, object]:
        match = re.fullmatch(r"/publishers/([0-9]+)/transactions/", path)
        if not match:
            return 404, {"error": "not found"}
        args = {name: values[0] for name, values in query.items()}
        for name in ("startDate", "endDate"):
            if not AWIN_TIME.fullmatch(args.get(name, "")):
                return 400, {"error": f"{name} must be yyyy-MM-ddThh:mm:ss"}
        if args.get("timezone") != "UTC" or args.get("dateType") not in (
            "transaction",
            "validation",
        ):
            return 400, {"error": "timezone / dateType"}
        start = datetime.fromisoformat(args["startDate"]).replace(tzinfo=UTC)
        end = datetime.fromisoformat(args["endDate"]).replace(tzinfo=UTC)
        if not start < end <= start + MAX_DAYS:
            return 400, {"error": "the maximum date range is 31 days"}
        if self.fail_from and start >= self.fail_from:
            return 500, {"error": "internal"}
        self.windows.append((start, end))
        date_field = f"{args['dateType']}Date"
        return 200, [
            tx
            for tx in self.transactions
            if tx.get(date_field)
            and start <= datetime.fromisoformat(tx[date_field]).replace(tzinfo=UTC) <= end
        ]

    # --- CJ -------------------------------------------------------------------------

    def cj(self, path: str, body: str) -> tuple[int, object]:
        if path != "/query":
            return 404, {"error": "not found"}
        query = body.strip()
        args = dict(re.findall(r'(\w+): "([^"]*)"', query))
        publishers = re.search(r'forPublishers: \["([0-9]+)"\]', query)
        if not query.startswith("{ publisherCommissions(") or not publishers:
            return 200, {"errors": [{"message": "Cannot parse the query"}], "data": None}
        start = datetime.fromisoformat(args["sincePostingDate"])
        before = datetime.fromisoformat(args["beforePostingDate"])
        if not start < before <= start + MAX_DAYS:
            return 200, {"errors": [{"message": "Date range exceeds 31 days"}], "data": None}
        if self.fail_from and start >= self.fail_from:
            return 500, {"error": "internal"}
        after = int(args.get("sinceCommissionId", "0"))
        if after == 0:
            self.windows.append((start, before))
        matching = sorted(
            (
                record
                for record in self.records
                if start <= datetime.fromisoformat(record["postingDate"]) < before
                and int(record["commissionId"]) > after
            ),
            key=lambda record: int(record["commissionId"]),
        )
        page = matching[: self.cj_page_size]
        return 200, {
            "data": {
                "publisherCommissions": {
                    "count": len(page),
                    "payloadComplete": len(page) == len(matching),
                    "maxCommissionId": page[-1]["commissionId"] if page else None,
                    "records": page,
                }
            }
        }


def _handler(api: FakeApi):
    class Handler(BaseHTTPRequestHandler):
        def _answer(self, status: int, payload) -> None:
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _serve(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode()
            parts = urlsplit(self.path)
            api.requests.append(
                {"method": self.command, "path": self.path, "headers": dict(self.headers)}
            )
            if self.headers.get("Authorization") != f"Bearer {api.token}":
                return self._answer(401, {"error": "invalid_token"})
            if self.command == "GET":
                return self._answer(*api.awin(parts.path, parse_qs(parts.query)))
            return self._answer(*api.cj(parts.path, body))

        do_GET = do_POST = _serve

        def log_message(self, *args):
            pass

    return Handler


@contextmanager
def running_api(settings, token: str):
    settings.NETWORK_REPORTS_ALLOW_PRIVATE = True
    api = FakeApi(token=token)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(api))
    httpd.daemon_threads = True
    api.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield api
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
