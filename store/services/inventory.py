"""Taking codes from the pool and giving them back.

Allocation locks the oldest available codes with `SELECT … FOR UPDATE SKIP LOCKED`:
concurrent orders each lock different rows instead of queueing on the same ones, and the
UPDATE that takes them repeats `status = 'available'`, so even a database without row
locks (SQLite under `make run`) never hands one code to two orders.
"""

from django.db import transaction
from django.utils import timezone

from ..models import Code, Order, OrderItem

Status = Code.Status


def _sellable(variant_id: int):
    today = timezone.localdate()
    return Code.objects.filter(variant_id=variant_id, status=Status.AVAILABLE).exclude(
        expires_on__lte=today
    )


def codes_reserve(*, item: OrderItem, quantity: int, until) -> int:
    """Reserve up to `quantity` codes of the item's variant for it; how many it got."""
    taken = 0
    with transaction.atomic():
        for _ in range(5):  # a few rounds when another order took rows we saw
            want = quantity - taken
            if want <= 0:
                break
            ids = list(
                _sellable(item.variant_id)
                .select_for_update(skip_locked=True)
                .order_by("pk")
                .values_list("pk", flat=True)[:want]
            )
            if not ids:
                break
            taken += Code.objects.filter(pk__in=ids, status=Status.AVAILABLE).update(
                status=Status.RESERVED, order_item=item, reserved_until=until
            )
    return taken


def codes_held(item: OrderItem) -> int:
    return Code.objects.filter(order_item=item, status__in=[Status.RESERVED, Status.SOLD]).count()


def codes_mark_sold(item: OrderItem) -> int:
    """The item's reserved codes become sold (idempotent: sold ones stay as they are)."""
    return Code.objects.filter(order_item=item, status=Status.RESERVED).update(
        status=Status.SOLD, sold_at=timezone.now(), reserved_until=None
    )


def codes_release(order: Order) -> int:
    """An order that will not be delivered gives its codes back to the pool: reserved
    ones, and sold ones nobody has seen (a fulfilment that stopped half-way)."""
    return Code.objects.filter(
        order_item__order=order,
        status__in=[Status.RESERVED, Status.SOLD],
        first_revealed_at__isnull=True,
    ).update(status=Status.AVAILABLE, order_item=None, reserved_until=None, sold_at=None)


def stock_levels(variant_ids) -> dict[int, int]:
    """Available codes per variant, in one query."""
    from django.db.models import Count

    rows = (
        Code.objects.filter(variant_id__in=list(variant_ids), status=Status.AVAILABLE)
        .exclude(expires_on__lte=timezone.localdate())
        .values("variant_id")
        .annotate(n=Count("pk"))
    )
    return {row["variant_id"]: row["n"] for row in rows}
