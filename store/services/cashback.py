"""Cashback earned on a purchase: posted pending at delivery (fulfilment), confirmed into
the available balance once STORE_CASHBACK_HOLD_DAYS have passed (the refund window), or
taken back in part or whole by a refund (services/refunds.py).

`confirm_store_cashback` is the hourly beat job (and the command of the same name). Each
order is confirmed under its row lock by a conditional move pending → confirmed, so two
runs, or a run racing a refund, confirm each order once, and always the amount that is
left after refunds (a refund lowers `cashback_amount` under the same lock).
"""

from django.db import transaction
from django.utils import timezone

from accounts.services import transition

from ..models import Order
from . import money as store_money

Cashback = Order.Cashback


def store_cashback_due(*, limit: int = 1000) -> list[int]:
    return list(
        Order.objects.filter(
            cashback_status=Cashback.PENDING, cashback_confirm_after__lte=timezone.now()
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


def store_cashback_confirm(order_id: int) -> bool:
    """Confirm one order's pending cashback if it is due; False if it was not (another
    run did it, a refund reversed it, or the order is no longer delivered)."""
    with transaction.atomic():
        order = (
            Order.objects.select_for_update()
            .filter(
                pk=order_id,
                cashback_status=Cashback.PENDING,
                cashback_confirm_after__lte=timezone.now(),
            )
            .first()
        )
        # A refunded order's cashback was reversed with it; nothing to confirm.
        if order is None or order.status != Order.Status.FULFILLED:
            return False
        if not transition(
            order,
            field="cashback_status",
            to=Cashback.CONFIRMED,
            allowed_from=[Cashback.PENDING],
            reason="Refund window over.",
        ):
            return False
        if order.cashback_amount > 0:
            store_money.cashback_confirm(order)
    return True


def confirm_store_cashback(*, limit: int = 1000) -> int:
    """The beat job: how many orders' cashback it confirmed."""
    return sum(store_cashback_confirm(pk) for pk in store_cashback_due(limit=limit))
