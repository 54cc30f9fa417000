"""Buying an order item's codes from the supplier, safe to run any number of times.

1. The SupplierOrder row (reference `SB-OI<item pk>`) is created in its own transaction,
   so the reference exists before the supplier ever hears of it.
2. `place` and `codes` are network calls, made outside any transaction. A timeout after
   the supplier took the order leaves us without its id; the next run places the same
   reference and the supplier answers with the order it already has: one purchase.
3. The codes are stored in one transaction under the order's row lock (the lock order of
   the store: order → codes): encrypted, digested, sold to the item. The digest is unique
   and a rerun finds the item's codes already there, so nothing is stored twice.

Every run that ends without codes (an error, or "not ready yet") counts as an attempt;
after STORE_SUPPLIER_MAX_ATTEMPTS the order fails and gives everything back through
`order_fail` (a captured card payment is refunded). Codes never reach a log line: errors
name references and statuses only.
"""

import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from ..models import Code, Order, OrderItem, SupplierOrder
from ..suppliers.base import Supplier, SupplierCode, SupplierError
from .codes import code_digest, last4

log = logging.getLogger(__name__)
Status = SupplierOrder.Status


def supplier_get() -> Supplier:
    """The configured supplier (one generic HTTP adapter today)."""
    from ..suppliers.http import HttpSupplier

    return HttpSupplier()


def supplier_reference(item: OrderItem) -> str:
    return f"SB-OI{item.pk}"


def _supplier_order(item: OrderItem) -> SupplierOrder:
    try:
        with transaction.atomic():
            return SupplierOrder.objects.get_or_create(
                order_item=item, defaults={"reference": supplier_reference(item)}
            )[0]
    except IntegrityError:  # another worker created it between our read and our insert
        return SupplierOrder.objects.get(order_item=item)


def supplier_fetch(item: OrderItem) -> bool:
    """True once the item's codes are stored; False while they are not (the supplier is
    not ready, could not be reached, or gave up: then the order has failed)."""
    supplier_order = _supplier_order(item)
    if supplier_order.status == Status.FULFILLED:
        return True
    if supplier_order.status == Status.FAILED:
        return False
    SupplierOrder.objects.filter(pk=supplier_order.pk).update(attempts=F("attempts") + 1)
    try:
        supplier = supplier_get()
        order_id = supplier_order.supplier_order_id
        if not order_id:
            order_id = supplier.place(
                reference=supplier_order.reference,
                product_id=item.product.supplier_product_id,
                denomination=item.denomination,
                quantity=item.quantity,
            )[:80]
            SupplierOrder.objects.filter(pk=supplier_order.pk).update(supplier_order_id=order_id)
        codes = supplier.codes(order_id)
        if codes is None:
            return _not_yet(supplier_order, "codes not ready yet")
        return _store(item, supplier_order, codes)
    except SupplierError as exc:
        log.warning("supplier order %s: %s", supplier_order.reference, exc)
        return _not_yet(supplier_order, str(exc))


def _store(item: OrderItem, supplier_order: SupplierOrder, codes: list[SupplierCode]) -> bool:
    by_digest = {code_digest(c.code): c for c in codes}
    if len(by_digest) != item.quantity:
        raise SupplierError(
            f"supplier sent {len(by_digest)} distinct codes for {item.quantity}: "
            f"{supplier_order.reference}"
        )
    now = timezone.now()
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=item.order_id)
        if not SupplierOrder.objects.filter(pk=supplier_order.pk, status=Status.PLACED).exists():
            return True  # another run stored them while we were asking
        taken = dict(
            Code.objects.filter(digest__in=list(by_digest)).values_list("digest", "order_item_id")
        )
        if any(owner != item.pk for owner in taken.values()):
            raise SupplierError(f"supplier sent a code we already hold: {supplier_order.reference}")
        # Bought for an order that was cancelled or failed meanwhile: the codes are ours
        # and paid for, so they join the variant's stock instead of an order nobody gets.
        delivering = order.status == Order.Status.PAID
        for digest, supplied in by_digest.items():
            if digest in taken:
                continue
            Code.objects.create(
                variant_id=item.variant_id,
                code=supplied.code,
                pin=supplied.pin,
                last4=last4(supplied.code),
                digest=digest,
                expires_on=supplied.expires_on,
                status=Code.Status.SOLD if delivering else Code.Status.AVAILABLE,
                order_item=item if delivering else None,
                supplier_order=supplier_order,
                sold_at=now if delivering else None,
            )
        SupplierOrder.objects.filter(pk=supplier_order.pk, status=Status.PLACED).update(
            status=Status.FULFILLED, last_error=""
        )
    return delivering


def _not_yet(supplier_order: SupplierOrder, error: str) -> bool:
    SupplierOrder.objects.filter(pk=supplier_order.pk).update(last_error=error[:300])
    attempts = SupplierOrder.objects.values_list("attempts", flat=True).get(pk=supplier_order.pk)
    if attempts < settings.STORE_SUPPLIER_MAX_ATTEMPTS:
        return False
    from .order_release import order_fail

    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=supplier_order.order_item.order_id)
        gave_up = SupplierOrder.objects.filter(pk=supplier_order.pk, status=Status.PLACED).update(
            status=Status.FAILED
        )
        if gave_up:
            log.warning(
                "supplier order %s gave up after %s attempts; order %s fails",
                supplier_order.reference,
                attempts,
                order.number,
            )
            order_fail(
                order, reason="The supplier could not deliver the codes; everything refunded."
            )
    return False
