"""Razorpay: an Orders API order per payment, paid on Razorpay's hosted checkout.

The shopper's checkout_url is our own page (/gift-cards/pay/razorpay/<payment id>/), whose
form posts to Razorpay's hosted checkout: no third-party JavaScript on our pages. Razorpay
then posts the result to our callback (signed with the key secret over
"order_id|payment_id") and, separately, sends signed webhooks (HMAC-SHA256 of the raw
body with the webhook secret). Amounts travel in the currency's minor unit (paise).
"""

from decimal import Decimal
from urllib.parse import quote

import requests
from django.conf import settings
from django.urls import reverse

from .base import (
    Checkout,
    Gateway,
    GatewayError,
    RemoteStatus,
    WebhookEvent,
    WebhookRejected,
    from_minor,
    minor_exponent,
    to_minor,
)
from .signing import BadPayload, dig, json_object, signature_matches

# Events whose payment is paid; `order.paid` and `payment.captured` both arrive for one
# payment (with different event ids): the payment's state makes the second a no-op.
CAPTURED_EVENTS = {"payment.captured", "order.paid"}


def _amount(value, currency):
    """A minor-unit integer from the payload, or None (a capture without a readable amount
    is flagged as a mismatch, never trusted)."""
    if type(value) is not int or value < 0 or not isinstance(currency, str):
        return None
    return from_minor(value, currency)


class RazorpayGateway(Gateway):
    name = "razorpay"

    def minimum_charge(self, currency: str):
        # Orders API: "The amount must be at least USD 1.00" (INR, MYR, SGD alike). For
        # zero- and three-decimal currencies Razorpay documents no figure: it decides.
        return Decimal("1.00") if minor_exponent(currency) == 2 else Decimal("0.01")

    def _call(self, method: str, path: str, *, body: dict | None = None) -> dict:
        """One API call; every failure is a GatewayError whose message names the call and
        the status, never the keys or the body."""
        url = settings.RAZORPAY_API_BASE.rstrip("/") + path
        try:
            response = requests.request(
                method,
                url,
                json=body,
                auth=(settings.RAZORPAY_KEY_ID, settings.RAZORPAY_KEY_SECRET),
                timeout=settings.STORE_GATEWAY_TIMEOUT,
            )
        except requests.RequestException as exc:
            raise GatewayError(f"razorpay {method} {path}: {type(exc).__name__}") from exc
        try:
            data = response.json()
        except ValueError:
            data = None
        if response.status_code >= 400:
            code = dig(data, "error", "code", default="")
            raise GatewayError(f"razorpay {method} {path}: HTTP {response.status_code} {code}")
        if not isinstance(data, dict):
            raise GatewayError(f"razorpay {method} {path}: the answer is not a JSON object")
        return data

    def create_checkout(self, payment, *, return_url: str) -> Checkout:
        order = self._call(
            "POST",
            "/v1/orders",
            body={
                "amount": to_minor(payment.amount, payment.currency),
                "currency": payment.currency,
                "receipt": payment.order.number,
                "notes": {"payment_id": str(payment.pk)},
            },
        )
        order_id = order.get("id")
        if not isinstance(order_id, str) or not order_id.startswith("order_"):
            raise GatewayError("razorpay POST /v1/orders: no order id in the answer")
        return Checkout(
            order_id[:120], settings.SITE_URL + reverse("store:razorpay-pay", args=[payment.pk])
        )

    def hosted_checkout(self, payment) -> tuple[str, dict[str, str]]:
        """Where our pay page's form posts, and its fields (Razorpay Hosted Checkout)."""
        order = payment.order
        fields = {
            "key_id": settings.RAZORPAY_KEY_ID,
            "order_id": payment.provider_order_id,
            "amount": str(to_minor(payment.amount, payment.currency)),
            "currency": payment.currency,
            "name": settings.SITE_NAME,
            "description": f"Order {order.number}",
            "prefill[email]": order.user.email,
            "callback_url": settings.SITE_URL
            + reverse("store:razorpay-callback", args=[payment.pk]),
            "cancel_url": settings.SITE_URL + order.get_absolute_url(),
        }
        return settings.RAZORPAY_API_BASE.rstrip("/") + "/v1/checkout/embedded", fields

    def callback_verified(self, *, order_id: str, payment_id: str, signature: str) -> bool:
        """The checkout's redirect is Razorpay's: HMAC-SHA256("order_id|payment_id") with
        the key secret, compared in constant time."""
        return signature_matches(
            secret=settings.RAZORPAY_KEY_SECRET,
            message=f"{order_id}|{payment_id}".encode(),
            given=signature,
        )

    def parse_webhook(self, body: bytes, headers) -> list[WebhookEvent]:
        if not signature_matches(
            secret=settings.RAZORPAY_WEBHOOK_SECRET,
            message=body,
            given=headers.get("X-Razorpay-Signature", ""),
        ):
            raise WebhookRejected("The X-Razorpay-Signature does not match the body.")
        data = json_object(body)
        event_type = data.get("event")
        if not isinstance(event_type, str) or not event_type:
            raise BadPayload("No event name.")
        payment = dig(data, "payload", "payment", "entity", default={})
        order = dig(data, "payload", "order", "entity", default={})
        refund = dig(data, "payload", "refund", "entity", default={})
        payment = payment if isinstance(payment, dict) else {}
        order = order if isinstance(order, dict) else {}
        refund = refund if isinstance(refund, dict) else {}
        payment_id = payment.get("id") if isinstance(payment.get("id"), str) else ""
        provider_order_id = payment.get("order_id") or order.get("id") or ""
        if not isinstance(provider_order_id, str):
            provider_order_id = ""
        # Razorpay names each delivery's event in a header; without it, the payment and
        # the event name identify it (a retry of the same event carries the same pair).
        event_id = headers.get("X-Razorpay-Event-Id", "").strip()
        if not event_id:
            subject = payment_id or str(refund.get("id") or "") or provider_order_id
            if not subject:
                raise BadPayload("No event id and no payment in the event.")
            event_id = f"{subject}:{event_type}"
        outcome, amount, currency = "", None, ""
        if event_type in CAPTURED_EVENTS:
            outcome = "captured"
            if payment:
                currency = payment.get("currency")
                amount = _amount(payment.get("amount"), currency)
            else:
                currency = order.get("currency")
                amount = _amount(order.get("amount_paid"), currency)
        elif event_type == "payment.failed":
            outcome = "failed"
        elif event_type.startswith("refund."):
            outcome = "refunded"
        return [
            WebhookEvent(
                event_id=event_id[:120],
                event_type=event_type[:80],
                provider_order_id=provider_order_id[:120],
                outcome=outcome,
                amount=amount,
                currency=currency if isinstance(currency, str) else "",
                provider_payment_id=payment_id[:120],
            )
        ]

    def fetch_status(self, payment) -> RemoteStatus:
        """The order's payment attempts: one captured settles it; all failed fails it;
        none yet (or one still authorising) is pending."""
        data = self._call("GET", f"/v1/orders/{quote(payment.provider_order_id, safe='')}/payments")
        items = [i for i in data.get("items") or [] if isinstance(i, dict)]
        for item in items:
            if item.get("status") == "captured":
                pay_id = item.get("id") if isinstance(item.get("id"), str) else ""
                currency = item.get("currency") if isinstance(item.get("currency"), str) else ""
                return RemoteStatus(
                    "captured", _amount(item.get("amount"), currency), currency, pay_id
                )
        if items and all(i.get("status") == "failed" for i in items):
            return RemoteStatus("failed")
        return RemoteStatus("pending")

    def refund(self, payment, amount, *, reference: str) -> str:
        if not payment.provider_payment_id:
            raise GatewayError("razorpay: the payment's id is not known; refund it by hand")
        refund = self._call(
            "POST",
            f"/v1/payments/{quote(payment.provider_payment_id, safe='')}/refund",
            body={"amount": to_minor(amount, payment.currency), "receipt": reference[:40]},
        )
        refund_id = refund.get("id")
        if not isinstance(refund_id, str) or not refund_id:
            raise GatewayError("razorpay refund: no refund id in the answer")
        return refund_id
