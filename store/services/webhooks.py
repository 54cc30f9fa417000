"""Gateway events, each applied once.

Providers retry a webhook for a day and may deliver it twice, concurrently, or after a
later one. Each verified event gets ONE transaction: its (provider, event id) row is
inserted first, so a second delivery blocks on the unique index until the first commits
and then finds the id taken (a duplicate, nothing else happens); the payment's state
then decides what the event means (payments.py). Only the event's id, type, payment and
outcome are stored: the bodies carry the payer's contact and card details.
"""

import logging

from django.db import IntegrityError, transaction

from config.errors import NotFound

from ..gateways import WebhookEvent as Event
from ..gateways import gateway_for_webhook
from ..models import Payment, WebhookEvent
from .payments import payment_captured, payment_failed

log = logging.getLogger(__name__)

DUPLICATE = "duplicate"


class UnknownGateway(NotFound):
    code = "not_found"


def payment_event_apply(*, provider: str, event: Event) -> tuple[bool, str]:
    """Record `event` and apply it to its payment in one transaction. (False,
    "duplicate") if its id was recorded before; else (True, what happened)."""
    payment = None
    if event.provider_order_id:
        payment = Payment.objects.filter(
            provider=provider, provider_order_id=event.provider_order_id
        ).first()
    with transaction.atomic():
        try:
            with transaction.atomic():
                row = WebhookEvent.objects.create(
                    provider=provider,
                    event_id=event.event_id,
                    event_type=event.event_type,
                    payment=payment,
                    outcome="",
                )
        except IntegrityError:
            return False, DUPLICATE
        outcome = _apply(payment, event)[:200]
        WebhookEvent.objects.filter(pk=row.pk).update(outcome=outcome)
    log.info("%s event %s (%s): %s", provider, event.event_id, event.event_type, outcome)
    return True, outcome


def _apply(payment: Payment | None, event: Event) -> str:
    if event.outcome not in ("captured", "failed", "expired"):
        return "recorded"  # refunds we made, events we do not act on
    if payment is None:
        return "unknown payment"
    if event.outcome == "captured":
        return payment_captured(
            payment,
            amount=event.amount,
            currency=event.currency,
            provider_payment_id=event.provider_payment_id,
        )
    return payment_failed(payment, final=event.outcome == "expired")


def webhook_receive(*, provider: str, body: bytes, headers) -> dict:
    """A webhook's raw body and headers → {"status": "ok", "outcomes": […]} or
    {"status": "duplicate"}. Raises UnknownGateway (404) for a provider we do not use and
    gateways.WebhookRejected (400) when the signature or the body is wrong, with nothing
    written."""
    gateway = gateway_for_webhook(provider)
    if gateway is None:
        raise UnknownGateway(detail="No such payment provider.")
    events = gateway.parse_webhook(body, headers)
    results = [payment_event_apply(provider=provider, event=event) for event in events]
    if results and not any(created for created, _ in results):
        return {"status": DUPLICATE}
    return {"status": "ok", "outcomes": [outcome for _, outcome in results]}
