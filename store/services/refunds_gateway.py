"""Gateway refunds: a Refund row written in the caller's transaction, sent by a task
after commit. The row is claimed (pending_gateway → sending) before the call, so two
workers never refund twice; a worker killed mid-call leaves it `sending` for staff."""

import logging
from decimal import Decimal

from django.db import transaction
from django.db.models import F

from ..gateways import GatewayError, gateway_for_webhook
from ..models import Order, Payment, Refund

log = logging.getLogger(__name__)


def gateway_refund_queue(
    *,
    order: Order,
    payment: Payment,
    amount: Decimal,
    reason: str,
    actor=None,
    wallet_amount=Decimal("0.00"),
) -> Refund:
    from .. import tasks

    refund = Refund.objects.create(
        order=order,
        payment=payment,
        gateway_amount=amount,
        wallet_amount=wallet_amount,
        reason=reason[:300],
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        status=Refund.Status.PENDING_GATEWAY if amount else Refund.Status.DONE,
    )
    if amount:
        pk = refund.pk
        transaction.on_commit(lambda: tasks.send_gateway_refund.delay(pk))
    return refund


def gateway_refund_send(refund_id: int) -> str:
    claimed = Refund.objects.filter(pk=refund_id, status=Refund.Status.PENDING_GATEWAY).update(
        status=Refund.Status.SENDING
    )
    if not claimed:
        return "not_pending"
    refund = Refund.objects.select_related("payment").get(pk=refund_id)
    payment = refund.payment
    gateway = gateway_for_webhook(payment.provider)
    try:
        if gateway is None:
            raise GatewayError(f"gateway {payment.provider} is not enabled")
        provider_refund_id = gateway.refund(
            payment, refund.gateway_amount, reference=f"store-refund-{refund.pk}"
        )
    except GatewayError as exc:
        log.warning("refund %s of order %s failed: %s", refund.pk, refund.order_id, exc)
        Refund.objects.filter(pk=refund.pk).update(
            status=Refund.Status.FAILED, last_error=str(exc)[:300]
        )
        return "failed"
    with transaction.atomic():
        Refund.objects.filter(pk=refund.pk).update(
            status=Refund.Status.DONE, provider_refund_id=provider_refund_id[:120]
        )
        Payment.objects.filter(pk=payment.pk).update(
            refunded_amount=F("refunded_amount") + refund.gateway_amount
        )
        Payment.objects.filter(pk=payment.pk, refunded_amount__gte=F("amount")).update(
            status=Payment.Status.REFUNDED
        )
    return "done"


def gateway_refund_retry(refund: Refund) -> bool:
    """Staff: send a failed refund again."""
    from .. import tasks

    moved = Refund.objects.filter(pk=refund.pk, status=Refund.Status.FAILED).update(
        status=Refund.Status.PENDING_GATEWAY, last_error=""
    )
    if moved:
        transaction.on_commit(lambda: tasks.send_gateway_refund.delay(refund.pk))
    return bool(moved)
