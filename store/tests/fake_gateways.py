"""Local stand-ins for the Razorpay and Stripe APIs, and webhook bodies signed the way
each provider signs them.

Each API is a real HTTP server (ThreadingHTTPServer on 127.0.0.1, port 0) that records
every request, so tests prove what our code sent over the wire (paths, auth, amounts,
idempotency keys) and how often. Use them through `razorpay_api(settings)` and
`stripe_api(settings)`, which also point the settings at them.
"""

import base64
import hashlib
import hmac
import json
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

RAZORPAY_KEY_ID = "rzp_test_key"
RAZORPAY_KEY_SECRET = "rzp-key-secret"
RAZORPAY_WEBHOOK_SECRET = "rzp-webhook-secret"
STRIPE_SECRET_KEY = "sk_test_fake"
STRIPE_WEBHOOK_SECRET = "whsec_test_secret"


@dataclass
class Call:
    method: str
    path: str
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body)

    def form(self) -> dict:
        return dict(parse_qsl(self.body.decode()))


@dataclass
class FakeApi:
    """A provider API on a local port. Subclasses answer in `answer`."""

    calls: list = field(default_factory=list)
    # Paths (prefixes) that answer 500, to play an outage.
    broken: set = field(default_factory=set)
    # Seconds every answer waits: widens race windows in concurrency tests.
    delay: float = 0.0

    def __post_init__(self):
        self.lock = threading.Lock()
        api = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self):
                length = int(self.headers.get("Content-Length") or 0)
                call = Call(self.command, self.path, dict(self.headers), self.rfile.read(length))
                with api.lock:
                    api.calls.append(call)
                if api.delay:
                    time.sleep(api.delay)
                if any(urlsplit(call.path).path.startswith(p) for p in api.broken):
                    status, body = 500, {"error": {"code": "SERVER_ERROR"}}
                else:
                    with api.lock:
                        status, body = api.answer(call)
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = _serve

            def log_message(self, *args):  # quiet test output
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def called(self, method: str, path_prefix: str) -> list[Call]:
        with self.lock:
            return [c for c in self.calls if c.method == method and c.path.startswith(path_prefix)]

    def answer(self, call: Call) -> tuple[int, dict]:
        raise NotImplementedError


@dataclass
class RazorpayApi(FakeApi):
    orders: dict = field(default_factory=dict)
    # Razorpay order id → its payment attempts, as GET /v1/orders/<id>/payments lists them.
    payments: dict = field(default_factory=dict)
    refunds: list = field(default_factory=list)

    def answer(self, call: Call) -> tuple[int, dict]:
        path = urlsplit(call.path).path
        parts = path.strip("/").split("/")
        if call.method == "POST" and path == "/v1/orders":
            body = call.json()
            order = {
                "id": f"order_T{len(self.orders) + 1:04d}",
                "entity": "order",
                "amount": body["amount"],
                "currency": body["currency"],
                "receipt": body["receipt"],
                "notes": body.get("notes", {}),
                "status": "created",
            }
            self.orders[order["id"]] = order
            return 200, order
        if call.method == "GET" and parts[:2] == ["v1", "orders"] and parts[3:] == ["payments"]:
            items = self.payments.get(parts[2], [])
            return 200, {"entity": "collection", "count": len(items), "items": items}
        if call.method == "POST" and parts[:2] == ["v1", "payments"] and parts[3:] == ["refund"]:
            refund = {
                "id": f"rfnd_T{len(self.refunds) + 1:04d}",
                "entity": "refund",
                "payment_id": parts[2],
                **call.json(),
            }
            self.refunds.append(refund)
            return 200, refund
        return 404, {"error": {"code": "BAD_REQUEST_ERROR", "description": "no such route"}}

    def pay(self, order_id: str, *, amount: int, currency: str = "USD", status="captured"):
        """The shopper's attempt as Razorpay records it."""
        payment = {
            "id": f"pay_T{sum(len(v) for v in self.payments.values()) + 1:04d}",
            "entity": "payment",
            "amount": amount,
            "currency": currency,
            "status": status,
            "order_id": order_id,
            "email": "payer@example.com",
            "contact": "+919000090000",
        }
        self.payments.setdefault(order_id, []).append(payment)
        return payment


@dataclass
class StripeApi(FakeApi):
    sessions: dict = field(default_factory=dict)
    refunds: list = field(default_factory=list)
    # Idempotency-Key → the first answer, as Stripe replays it.
    replies: dict = field(default_factory=dict)

    def answer(self, call: Call) -> tuple[int, dict]:
        key = call.headers.get("Idempotency-Key")
        if call.method == "POST" and key and key in self.replies:
            return self.replies[key]
        reply = self._route(call)
        if call.method == "POST" and key:
            self.replies[key] = reply
        return reply

    def _route(self, call: Call) -> tuple[int, dict]:
        path = urlsplit(call.path).path
        if call.method == "POST" and path == "/v1/checkout/sessions":
            form = call.form()
            session_id = f"cs_test_{len(self.sessions) + 1:04d}"
            session = {
                "id": session_id,
                "object": "checkout.session",
                "url": f"https://checkout.stripe.test/c/pay/{session_id}",
                "mode": form["mode"],
                "amount_total": int(form["line_items[0][price_data][unit_amount]"]),
                "currency": form["line_items[0][price_data][currency]"],
                "client_reference_id": form["client_reference_id"],
                "metadata": {"payment_id": form["metadata[payment_id]"]},
                "status": "open",
                "payment_status": "unpaid",
                "payment_intent": None,
            }
            self.sessions[session_id] = session
            return 200, session
        if call.method == "GET" and path.startswith("/v1/checkout/sessions/"):
            session = self.sessions.get(path.rsplit("/", 1)[1])
            if session is None:
                return 404, {"error": {"type": "invalid_request_error", "code": "resource_missing"}}
            return 200, session
        if call.method == "POST" and path == "/v1/refunds":
            form = call.form()
            refund = {
                "id": f"re_T{len(self.refunds) + 1:04d}",
                "object": "refund",
                "amount": int(form["amount"]),
                "payment_intent": form["payment_intent"],
                "status": "succeeded",
            }
            self.refunds.append(refund)
            return 200, refund
        return 404, {"error": {"type": "invalid_request_error", "message": "no such route"}}

    def complete(self, session_id: str, *, paid: bool = True, amount: int | None = None):
        """The shopper paid (or a delayed method is still on its way): the session as
        Stripe then shows it."""
        session = self.sessions[session_id]
        session.update(
            status="complete",
            payment_status="paid" if paid else "unpaid",
            payment_intent=f"pi_{session_id[3:]}",
        )
        if amount is not None:
            session["amount_total"] = amount
        return session


@contextmanager
def razorpay_api(settings):
    api = RazorpayApi()
    settings.RAZORPAY_API_BASE = api.url
    settings.RAZORPAY_KEY_ID = RAZORPAY_KEY_ID
    settings.RAZORPAY_KEY_SECRET = RAZORPAY_KEY_SECRET
    settings.RAZORPAY_WEBHOOK_SECRET = RAZORPAY_WEBHOOK_SECRET
    settings.STORE_GATEWAYS = sorted({*settings.STORE_GATEWAYS, "razorpay"})
    try:
        yield api
    finally:
        api.close()


@contextmanager
def stripe_api(settings):
    api = StripeApi()
    settings.STRIPE_API_BASE = api.url
    settings.STRIPE_SECRET_KEY = STRIPE_SECRET_KEY
    settings.STRIPE_WEBHOOK_SECRET = STRIPE_WEBHOOK_SECRET
    settings.STORE_GATEWAYS = sorted({*settings.STORE_GATEWAYS, "stripe"})
    try:
        yield api
    finally:
        api.close()


def basic_auth(key_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{key_id}:{secret}".encode()).decode()


# --- Webhook bodies, signed as the providers sign them ---------------------------------


def razorpay_signature(body: bytes, secret: str = RAZORPAY_WEBHOOK_SECRET) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def razorpay_event(event: str, payment: dict, *, order: dict | None = None) -> bytes:
    """A Razorpay webhook body about `payment` (as RazorpayApi.pay made it)."""
    payload = {"payment": {"entity": payment}}
    if order is not None:
        payload["order"] = {"entity": order}
    body = {
        "entity": "event",
        "account_id": "acc_T0001",
        "event": event,
        "contains": list(payload),
        "payload": payload,
        "created_at": int(time.time()),
    }
    return json.dumps(body).encode()


def razorpay_headers(body: bytes, *, event_id: str | None = "evt_rzp_1", **extra) -> dict:
    headers = {"HTTP_X_RAZORPAY_SIGNATURE": razorpay_signature(body)}
    if event_id is not None:
        headers["HTTP_X_RAZORPAY_EVENT_ID"] = event_id
    return {**headers, **extra}


def stripe_signature(
    body: bytes, secret: str = STRIPE_WEBHOOK_SECRET, *, timestamp: int | None = None
) -> str:
    """The Stripe-Signature header: t=<unix time>,v1=HMAC-SHA256(secret, "<t>.<body>")."""
    t = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


def stripe_event(event_type: str, session: dict, *, event_id: str = "evt_test_1") -> bytes:
    return json.dumps(
        {
            "id": event_id,
            "object": "event",
            "api_version": "2024-06-20",
            "created": int(time.time()),
            "type": event_type,
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "data": {"object": session},
        }
    ).encode()


def stripe_headers(body: bytes, **kwargs) -> dict:
    return {"HTTP_STRIPE_SIGNATURE": stripe_signature(body, **kwargs)}
