"""A local stand-in for the voucher supplier: a threaded http.server on 127.0.0.1:0
speaking the contract of store/suppliers/http.py. It keeps one order per reference (a
reference seen before answers with the same order: the idempotency the real suppliers
give) and counts purchases per reference, which is what the "never buys twice" tests read.

Knobs: `slow_places` (the first n POSTs record the order, then stall past the client's
timeout, as a supplier that took the order but whose answer never arrived), `pending_polls`
(the first n GETs of an order answer "pending"), `errors` (the next n calls answer 500),
`codes_per_order` (to send too few)."""

import json
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

KEY = "supplier-key-s3cret"


@dataclass
class FakeSupplier:
    base: str = ""
    orders: dict = field(default_factory=dict)  # id -> {"reference", "quantity", "codes", "polls"}
    by_reference: dict = field(default_factory=dict)
    purchases: dict = field(default_factory=dict)  # reference -> how many orders we created
    places: dict = field(default_factory=dict)  # reference -> how many POSTs it received
    calls: list = field(default_factory=list)
    bodies: list = field(default_factory=list)  # the JSON of every POST
    slow_places: int = 0
    stall_seconds: float = 2.5
    pending_polls: int = 0
    errors: int = 0
    codes_per_order: int | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def all_codes(self) -> list[str]:
        return [c["code"] for order in self.orders.values() for c in order["codes"]]

    def all_pins(self) -> list[str]:
        return [c["pin"] for order in self.orders.values() for c in order["codes"]]

    # The handlers' logic, under the lock: (status, body, stall seconds).
    def _place(self, payload: dict):
        reference = payload.get("reference", "")
        self.places[reference] = self.places.get(reference, 0) + 1
        order_id = self.by_reference.get(reference)
        if order_id is None:
            order_id = f"SUP-{len(self.orders) + 1:04d}"
            quantity = int(payload["quantity"])
            made = quantity if self.codes_per_order is None else self.codes_per_order
            self.orders[order_id] = {
                "reference": reference,
                "quantity": quantity,
                "polls": 0,
                "codes": [
                    {
                        "code": f"SUPCODE-{reference}-{n:03d}-ZQ{len(self.orders)}{n}",
                        "pin": f"P{7000 + len(self.orders) * 10 + n}",
                        "expires_on": "2030-12-31",
                    }
                    for n in range(made)
                ],
            }
            self.by_reference[reference] = order_id
            self.purchases[reference] = self.purchases.get(reference, 0) + 1
        stall = 0.0
        if self.slow_places:
            self.slow_places -= 1
            stall = self.stall_seconds
        return 201, {"id": order_id, "status": "pending"}, stall

    def _status(self, order_id: str):
        order = self.orders.get(order_id)
        if order is None:
            return 404, {"error": "not found"}, 0.0
        order["polls"] += 1
        if order["polls"] <= self.pending_polls:
            return 200, {"status": "pending", "codes": []}, 0.0
        return 200, {"status": "fulfilled", "codes": order["codes"]}, 0.0

    def handle(self, method: str, path: str, auth: str, payload):
        with self.lock:
            self.calls.append((method, path))
            if auth != f"Bearer {KEY}":
                return 401, {"error": "unauthorised"}, 0.0
            if self.errors:
                self.errors -= 1
                return 500, {"error": "try later"}, 0.0
            if method == "POST" and path == "/orders":
                self.bodies.append(payload)
                return self._place(payload)
            if method == "GET" and path.startswith("/orders/"):
                return self._status(path.removeprefix("/orders/"))
            return 404, {"error": "no route"}, 0.0


@contextmanager
def fake_supplier(settings, **knobs):
    """Run the fake and point STORE_SUPPLIER_URL/KEY at it (short timeout)."""
    fake = FakeSupplier(**knobs)

    class Handler(BaseHTTPRequestHandler):
        def _answer(self, payload=None):
            status, body, stall = fake.handle(
                self.command, self.path, self.headers.get("Authorization", ""), payload
            )
            if stall:
                time.sleep(stall)
            data = json.dumps(body).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting: the order stays taken

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            self._answer(json.loads(self.rfile.read(length) or b"{}"))

        def do_GET(self):
            self._answer()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    fake.base = f"http://127.0.0.1:{server.server_address[1]}"
    settings.STORE_SUPPLIER_URL = fake.base
    settings.STORE_SUPPLIER_KEY = KEY
    # Long enough for a loaded CI machine, short enough that a stall outlasts it.
    settings.STORE_SUPPLIER_TIMEOUT = 1.0
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
