"""Gateway payments compared with what the provider says (nightly, and for one payment
when the shopper comes back from the provider's page).

A webhook can be lost (our site down for longer than the provider retries, a secret
rotated). The job asks the provider, outside any transaction, about every payment still
`created` or `failed` of a pending order older than STALE_AFTER, and of any order past
its reservation in the last LOOKBACK (a payment the provider captured after we released
the order is refunded by payment_captured). Then it settles each in its own transaction
with the same services as the webhook: captured → paid (then fulfilled), failed or
expired → the order fails and gives everything back, anything else is left.
"""

import logging
from collections import Counter
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from ..gateways import gateway_for_webhook
from ..models import Order, Payment
from .payments import payment_captured, payment_failed

log = logging.getLogger(__name__)

# A shopper still on the provider's page is not "lost" yet.
STALE_AFTER = timedelta(minutes=15)
# Providers keep an unpaid order payable for a while; after a week nobody pays it.
LOOKBACK = timedelta(days=7)
OPEN = [Payment.Status.CREATED, Payment.Status.FAILED]


def payment_reconcile(payment: Payment, *, settle_failures: bool = True) -> str:
    """Ask the provider about one payment and apply the answer: "captured", "failed",
    "pending" (left as it is) or "skipped" (gateway no longer enabled). A provider that
    cannot be reached raises GatewayError, with nothing written.

    `settle_failures=False` (the shopper's return from the provider's page) only ever
    captures: a failed attempt there may still be retried by the shopper."""
    gateway = gateway_for_webhook(payment.provider)
    if gateway is None or not payment.provider_order_id:
        return "skipped"
    remote = gateway.fetch_status(payment)  # network: before, and outside, any transaction
    if remote.outcome == "captured":
        outcome = payment_captured(
            payment,
            amount=remote.amount,
            currency=remote.currency,
            provider_payment_id=remote.provider_payment_id,
        )
        return "flagged" if outcome.startswith("flagged") else "captured"
    if settle_failures and remote.outcome in ("failed", "expired"):
        payment_failed(payment, final=True)
        return "failed"
    return "pending"


def payments_to_reconcile(*, limit: int = 500):
    now = timezone.now()
    return (
        Payment.objects.filter(status__in=OPEN)
        .exclude(provider_order_id="")
        .filter(
            Q(order__status=Order.Status.PENDING, created_at__lt=now - STALE_AFTER)
            | Q(order__reserved_until__lt=now, order__reserved_until__gte=now - LOOKBACK)
        )
        .order_by("pk")[:limit]
    )


def reconcile_payments(*, limit: int = 500) -> dict:
    """The beat job and the `reconcile_payments` command. Returns counts per result; one
    payment's error is counted and logged, and the run goes on."""
    counts = Counter({"checked": 0, "captured": 0, "failed": 0, "pending": 0, "errors": 0})
    for payment in list(payments_to_reconcile(limit=limit)):
        counts["checked"] += 1
        try:
            counts[payment_reconcile(payment)] += 1
        except Exception as exc:  # one provider error must not stop the others
            # The class and our message only: never a request body or a key.
            log.warning(
                "reconciling payment %s failed: %s: %s", payment.pk, type(exc).__name__, exc
            )
            counts["errors"] += 1
    return dict(counts)
