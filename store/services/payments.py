"""What a gateway says about a payment, applied once, whatever the order of arrival.

The payment's own state decides: created → captured or failed; failed → captured (the
shopper's next attempt succeeded); a captured payment never fails, and a second capture
changes nothing. A capture must match the payment's amount and currency exactly, and
its order must still be waiting: otherwise the payment and the order are flagged for
staff and nothing is delivered. Callers (the webhook, reconciliation, the fake pay page)
run these inside their own transaction, with the event row that caused them.
"""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from ..models import Order, Payment
from .order_place import order_mark_paid
from .order_release import order_fail

Status = Payment.Status


def _flag(payment: Payment, reason: str) -> None:
    Payment.objects.filter(pk=payment.pk).update(flagged=True, flag_reason=reason[:300])
    Order.objects.filter(pk=payment.order_id).update(flagged=True, flag_reason=reason[:300])


def payment_captured(
    payment: Payment, *, amount: Decimal | None, currency: str, provider_payment_id: str = ""
) -> str:
    """Apply a capture; returns what happened, for the event log."""
    with transaction.atomic():
        # The order row before the payment row (the store's lock order): a release or a
        # cancel, which move the order first and its payments after, cannot deadlock us.
        order = Order.objects.select_for_update().get(pk=payment.order_id)
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.status in (Status.CAPTURED, Status.REFUNDED):
            return "already captured"
        if amount != payment.amount or (currency or "").upper() != payment.currency:
            _flag(
                payment,
                f"Captured {currency} {amount}, expected {payment.currency} {payment.amount}.",
            )
            return "flagged: amount or currency mismatch"
        Payment.objects.filter(pk=payment.pk).update(
            status=Status.CAPTURED,
            captured_at=timezone.now(),
            provider_payment_id=provider_payment_id[:120] or payment.provider_payment_id,
        )
        if order.status != Order.Status.PENDING:
            # Money for an order that expired or was cancelled: give it back.
            _flag(payment, f"Captured for an order that was {order.status}; refunded.")
            payment.status = Status.CAPTURED
            from .refunds_gateway import gateway_refund_queue

            gateway_refund_queue(
                order=order,
                payment=payment,
                amount=payment.amount,
                reason="Paid after the order closed.",
            )
            return f"refunded: order {order.status}"
        if order.flagged:
            return "captured; order flagged, not fulfilled"
        order_mark_paid(order)
        return "captured"


def payment_failed(payment: Payment, *, final: bool) -> str:
    """An attempt failed (the shopper may try again until the order expires) or, when
    `final`, the checkout is over (expired): the order fails and gives everything back."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=payment.order_id)  # lock order
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.status in (Status.CAPTURED, Status.REFUNDED):
            return "ignored: already captured"
        if payment.status == Status.CREATED:
            Payment.objects.filter(pk=payment.pk).update(status=Status.FAILED)
        if final:
            order_fail(order, reason="The payment did not go through.")
            return "failed; order failed"
        return "failed"
