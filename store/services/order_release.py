"""Orders that will not be delivered give everything back: their codes to the pool, the
wallet hold to the shopper, a captured gateway payment through a gateway refund."""

from django.db import transaction
from django.utils import timezone

from accounts.services import transition

from ..models import Order, Payment
from . import money as store_money
from .inventory import codes_release
from .refunds_gateway import gateway_refund_queue

Status = Order.Status


def _give_back(order: Order, *, why: str, actor=None) -> None:
    codes_release(order)
    store_money.wallet_release(order, why=why, actor=actor)
    captured = order.payments.filter(status=Payment.Status.CAPTURED).first()
    if captured is not None:
        gateway_refund_queue(
            order=order, payment=captured, amount=captured.amount, reason=why, actor=actor
        )
    order.payments.filter(status=Payment.Status.CREATED).update(status=Payment.Status.FAILED)


def order_fail(
    order: Order, *, reason: str, actor=None, allowed_from=(Status.PENDING, Status.PAID)
) -> bool:
    """pending or paid → failed, everything given back. False if it had moved on."""
    with transaction.atomic():
        if not transition(
            order,
            to=Status.FAILED,
            allowed_from=allowed_from,
            actor=actor,
            reason=reason,
        ):
            return False
        _give_back(order, why="failed", actor=actor)
    return True


def order_cancel_move(order: Order, *, actor, reason: str) -> bool:
    """pending or paid (not yet delivered) → cancelled, everything given back."""
    with transaction.atomic():
        # The order row first: a fulfilment holding it finishes (or stops) before us.
        Order.objects.select_for_update().filter(pk=order.pk).values_list("pk").get()
        if not transition(
            order,
            to=Status.CANCELLED,
            allowed_from=[Status.PENDING, Status.PAID],
            actor=actor,
            reason=reason,
            updates={"cancelled_at": timezone.now()},
        ):
            return False
        _give_back(order, why="cancelled", actor=actor)
    return True


def release_expired_orders(*, limit: int = 500) -> int:
    """Unpaid orders past their reservation fail and give back codes and holds. Each
    order moves under its own conditional UPDATE: two runs release each once."""
    now = timezone.now()
    due = list(
        Order.objects.filter(status=Status.PENDING, reserved_until__lt=now).order_by("pk")[:limit]
    )
    # Pending only: an order paid between the read above and its move is delivered,
    # not failed and refunded (its capture committed after we listed it).
    return sum(
        order_fail(order, reason="Not paid in time.", allowed_from=[Status.PENDING])
        for order in due
    )
