"""PayPal Payouts (REST): OAuth client credentials, one batch per PayoutBatch with our
sender_batch_id (PayPal refuses to pay an id twice within 30 days), then status polls.

The HTTP call is a plain function so tests can replay recorded responses; it is never
made inside a database transaction.
"""

import base64
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable

from django.conf import settings

from .base import ItemResult, PayoutProvider, SubmitResult

# (method, url, headers, body) -> (HTTP status, parsed JSON body)
Transport = Callable[[str, str, dict, bytes | None], tuple[int, dict]]

PAID = {"SUCCESS"}
FAILED = {"FAILED", "RETURNED", "BLOCKED", "REFUNDED", "REVERSED", "DENIED", "CANCELED"}


def urllib_transport(method, url, headers, body, timeout=30) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=body, headers=headers, method=method)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        try:
            return exc.code, json.loads(exc.read() or b"{}")
        except ValueError:
            return exc.code, {}


class PayPalClient:
    def __init__(self, *, client_id, secret, base_url, transport: Transport = urllib_transport):
        self.client_id, self.secret, self.base_url = client_id, secret, base_url.rstrip("/")
        self.transport = transport
        self._token, self._token_expires = "", 0.0

    def _bearer(self) -> str:
        if time.monotonic() >= self._token_expires:
            basic = base64.b64encode(f"{self.client_id}:{self.secret}".encode()).decode()
            status, body = self.transport(
                "POST",
                f"{self.base_url}/v1/oauth2/token",
                {
                    "Authorization": f"Basic {basic}",
                    "Content-Type": "application/x-www-form-urlencoded",
                },
                b"grant_type=client_credentials",
            )
            if status != 200 or "access_token" not in body:
                raise ConnectionError(f"PayPal OAuth failed with HTTP {status}")
            self._token = body["access_token"]
            self._token_expires = time.monotonic() + int(body.get("expires_in", 300)) - 60
        return self._token

    def _call(self, method, path, payload=None) -> tuple[int, dict]:
        headers = {"Authorization": f"Bearer {self._bearer()}", "Content-Type": "application/json"}
        body = json.dumps(payload).encode() if payload is not None else None
        return self.transport(method, f"{self.base_url}{path}", headers, body)

    def create_batch(self, payload) -> tuple[int, dict]:
        return self._call("POST", "/v1/payments/payouts", payload)

    def get_batch(self, payout_batch_id) -> tuple[int, dict]:
        return self._call("GET", f"/v1/payments/payouts/{payout_batch_id}")


def _duplicate_of(body: dict) -> str:
    """PayPal answers a reused sender_batch_id with a link to the original payout."""
    for link in body.get("links", []):
        href = link.get("href", "")
        if "/v1/payments/payouts/" in href:
            return href.rstrip("/").rsplit("/", 1)[-1]
    return ""


class PayPalProvider(PayoutProvider):
    name = "paypal"
    polls = True

    def __init__(self, client: PayPalClient | None = None):
        self.client = client or PayPalClient(
            client_id=settings.PAYPAL_CLIENT_ID,
            secret=settings.PAYPAL_CLIENT_SECRET,
            base_url=settings.PAYPAL_API_BASE,
        )

    def submit(self, batch, payouts) -> SubmitResult:
        payload = {
            "sender_batch_header": {
                "sender_batch_id": batch.sender_batch_id,
                "recipient_type": "EMAIL",
                "email_subject": "Your SaveBucks cashback is on its way",
                "email_message": "Thanks for shopping with SaveBucks.",
            },
            "items": [
                {
                    "recipient_type": "EMAIL",
                    "amount": {"value": str(p.amount), "currency": p.withdrawal.currency},
                    "receiver": json.loads(p.withdrawal.payout_details)["paypal_email"],
                    "sender_item_id": f"W{p.withdrawal_id}",
                    "note": f"SaveBucks withdrawal #{p.withdrawal_id}",
                }
                for p in payouts
            ],
        }
        try:
            status, body = self.client.create_batch(payload)
        except (OSError, ConnectionError) as exc:
            return SubmitResult(accepted=False, retry=True, error=str(exc))
        if status in (200, 201):
            return SubmitResult(accepted=True, reference=body["batch_header"]["payout_batch_id"])
        if status >= 500:
            return SubmitResult(accepted=False, retry=True, error=f"HTTP {status}")
        original = _duplicate_of(body)
        if original:  # we sent it before and lost the answer: carry on with that one
            return SubmitResult(accepted=True, reference=original)
        return SubmitResult(
            accepted=False, error=f"HTTP {status}: {body.get('name', '')} {body.get('message', '')}"
        )

    def poll(self, batch, payouts) -> list[ItemResult]:
        try:
            status, body = self.client.get_batch(batch.provider_reference)
        except (OSError, ConnectionError):
            return []
        if status != 200:
            return []
        results = []
        for item in body.get("items", []):
            sender_item_id = item.get("payout_item", {}).get("sender_item_id", "")
            if not sender_item_id.startswith("W"):
                continue
            state = item.get("transaction_status", "")
            outcome = "paid" if state in PAID else "failed" if state in FAILED else "pending"
            errors = item.get("errors") or {}
            results.append(
                ItemResult(
                    withdrawal_id=int(sender_item_id[1:]),
                    outcome=outcome,
                    reference=item.get("transaction_id") or item.get("payout_item_id", ""),
                    provider_status=state,
                    reason=errors.get("message", f"PayPal says {state}"),
                )
            )
        return results
