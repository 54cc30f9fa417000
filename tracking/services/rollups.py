"""Counters on offers (views, clicks, conversions), rolled up from append-only rows.

The hot paths only insert; this job adds the new rows to the counters in one set-based
UPDATE per table and remembers how far it read, all in one transaction: run twice or
killed half-way, it never counts a row twice or skips one.
"""

from datetime import timedelta

from django.db import transaction
from django.db.models import Case, Count, F, Max, Value, When
from django.utils import timezone

from offers.models import Offer
from wallet.models import CashbackEvent

from ..models import Click, OfferView, RollupState

# Rows younger than this are left for the next run: an insert that took its id earlier
# may still be uncommitted, and reading past it would skip it for good.
SETTLE = timedelta(seconds=30)

ROLLUPS = {
    "offer_views": (OfferView, "views_count"),
    "offer_clicks": (Click, "clicks_count"),
    "offer_conversions": (CashbackEvent, "conversions_count"),
}


def counters_roll_up(*, batch_size: int = 50_000) -> dict[str, int]:
    """Roll up what is new since the last run; returns rows read per counter."""
    return {
        name: _roll_up(name, model, field, batch_size) for name, (model, field) in ROLLUPS.items()
    }


def _roll_up(name, model, field, batch_size) -> int:
    with transaction.atomic():
        state, _ = RollupState.objects.select_for_update().get_or_create(name=name)
        new = model.objects.filter(pk__gt=state.last_id, created_at__lt=timezone.now() - SETTLE)
        upper = new.order_by("pk").values_list("pk", flat=True)[batch_size - 1 : batch_size].first()
        if upper is None:
            upper = new.aggregate(top=Max("pk"))["top"]
        if upper is None:
            return 0
        window = model.objects.filter(pk__gt=state.last_id, pk__lte=upper)
        counts = dict(
            window.filter(offer_id__isnull=False)
            .values_list("offer_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        if counts:
            Offer.objects.filter(pk__in=counts).update(
                **{
                    field: F(field)
                    + Case(*(When(pk=pk, then=Value(n)) for pk, n in counts.items()), default=0)
                }
            )
        rows = window.count()
        state.last_id = upper
        state.save(update_fields=["last_id", "updated_at"])
    return rows
