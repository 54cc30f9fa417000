"""Delivering a paid order: codes from the pool (reserved at placement, or allocated now
if a late payment outlived the reservation), from the supplier, or issued by us; then, in
one transaction under the order's row lock, paid → fulfilled, the money captured, the
purchase's cashback posted pending, and one delivery email queued.

Every step is safe to repeat: a worker killed anywhere and run again (the beat job
`fulfil_paid_orders` does) marks no code twice, issues no card twice, buys nothing twice
and sends one email, because only the run whose conditional paid → fulfilled UPDATE
succeeds captures the money and queues the email.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.services import transition

from ..models import Order, OrderItem, Product
from . import money as store_money
from .delivery import delivery_emails_queue
from .giftcards import gift_cards_issue
from .inventory import codes_held, codes_mark_sold, codes_reserve
from .order_release import order_fail
from .stock_alerts import low_stock_check_on_commit
from .supplier_orders import supplier_fetch

log = logging.getLogger(__name__)
Status = Order.Status


class _SoldOut(Exception):
    pass


def order_fulfil(order_id: int) -> str:
    """Deliver the order if it is paid; what happened, for the task log."""
    order = Order.objects.filter(pk=order_id).first()
    if order is None or order.status != Status.PAID or order.flagged:
        return "skipped"
    items = list(order.items.select_related("product"))
    # Supplier purchases are network calls: before, and outside, the transaction.
    for item in items:
        if item.product.source == Product.Source.SUPPLIER and not supplier_fetch(item):
            return "waiting for the supplier"
    try:
        with transaction.atomic():
            order = Order.objects.select_for_update().get(pk=order_id)
            if order.status != Status.PAID or order.flagged:
                return "skipped"
            Order.objects.filter(pk=order.pk).update(
                fulfilment_attempts=order.fulfilment_attempts + 1
            )
            for item in items:
                _deliver(item, order)
            return _complete(order, items)
    except _SoldOut as exc:
        order_fail(order, reason=f"{exc} sold out before the payment arrived; refunded.")
        return "failed: sold out"


def _deliver(item: OrderItem, order: Order) -> None:
    source = item.product.source
    if source == Product.Source.POOL:
        held = codes_held(item)
        if held < item.quantity:
            got = codes_reserve(item=item, quantity=item.quantity - held, until=None)
            if held + got < item.quantity:
                raise _SoldOut(item.name)
        codes_mark_sold(item)
    elif source == Product.Source.ISSUED:
        gift_cards_issue(item, order)
    # Supplier codes were stored (sold, linked to the item) by supplier_fetch.


def _complete(order: Order, items: list[OrderItem]) -> str:
    now = timezone.now()
    updates = {"fulfilled_at": now}
    if order.cashback_amount > 0:
        updates.update(
            cashback_status=Order.Cashback.PENDING,
            cashback_confirm_after=now + timedelta(days=settings.STORE_CASHBACK_HOLD_DAYS),
        )
    if not transition(order, to=Status.FULFILLED, allowed_from=[Status.PAID], updates=updates):
        return "skipped"
    OrderItem.objects.filter(order=order).update(
        status=OrderItem.Status.DELIVERED, delivered_at=now
    )
    store_money.capture(order, items)
    store_money.cashback_post(order)
    delivery_emails_queue(order, items)
    low_stock_check_on_commit(item.variant_id for item in items)
    return "fulfilled"


def fulfil_paid_orders(*, limit: int = 200) -> int:
    """The beat job: paid orders nobody finished (a killed worker, a slow supplier)."""
    due = (
        Order.objects.filter(
            status=Status.PAID, flagged=False, paid_at__lt=timezone.now() - timedelta(seconds=60)
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(order_fulfil(pk) == "fulfilled" for pk in list(due))
