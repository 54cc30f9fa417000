"""Low-stock alerts: when a pooled variant's sellable codes fall to its threshold, the
staff who import codes (permission `store.add_code`) get one email per dip.

`low_stock_alerted_at` is the latch: the conditional UPDATE that sets it (only where it
is empty) decides which of two concurrent checks sends the email, and an import that
lifts the stock above the threshold clears it for the next dip.
"""

import logging

from django.conf import settings
from django.contrib.auth.models import Permission
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from accounts.emails import email_queue
from accounts.models import User

from ..models import Code, Product, Variant

log = logging.getLogger(__name__)


def _sellable_count():
    today = timezone.localdate()
    return Count(
        "codes",
        filter=Q(codes__status=Code.Status.AVAILABLE)
        & (Q(codes__expires_on__isnull=True) | Q(codes__expires_on__gt=today)),
    )


def stock_recipients() -> list[str]:
    """Addresses of active staff who may import codes (superusers, by group or by user)."""
    permission = Permission.objects.filter(
        content_type__app_label="store", codename="add_code"
    ).first()
    holders = Q(is_superuser=True)
    if permission is not None:
        holders |= Q(groups__permissions=permission) | Q(user_permissions=permission)
    return list(
        User.objects.filter(holders, is_staff=True, status=User.Status.ACTIVE)
        .filter(deleted_at__isnull=True)
        .exclude(email="")
        .order_by("email")
        .values_list("email", flat=True)
        .distinct()
    )


def low_stock_check(variant_ids) -> int:
    """Alert for each of these pooled variants at or below its threshold that has not been
    alerted in this dip; how many alerts went out. One query when nothing is low."""
    low = list(
        Variant.objects.filter(
            pk__in=sorted(set(variant_ids)),
            product__source=Product.Source.POOL,
            low_stock_alerted_at__isnull=True,
        )
        .select_related("product")
        .annotate(available=_sellable_count())
        .order_by("pk")
    )
    low = [variant for variant in low if variant.available <= variant.low_stock_threshold]
    sent = 0
    for variant in low:
        claimed = Variant.objects.filter(pk=variant.pk, low_stock_alerted_at__isnull=True).update(
            low_stock_alerted_at=timezone.now()
        )
        if not claimed:
            continue  # another check sent this dip's alert
        _alert(variant)
        sent += 1
    return sent


def _alert(variant: Variant) -> None:
    context = {
        "variant": variant,
        "product": variant.product,
        "available": variant.available,
        "threshold": variant.low_stock_threshold,
        "import_url": settings.SITE_URL + reverse("admin:store_code_import", args=[variant.pk]),
        "SITE_NAME": settings.SITE_NAME,
    }
    for address in stock_recipients():
        email_queue(to=address, template="store_low_stock", context=context)


def low_stock_check_on_commit(variant_ids) -> None:
    """Check these variants once the caller's transaction commits. A failed check is
    logged, never raised: the sale it follows has already happened."""
    ids = sorted(set(variant_ids))

    def run():
        try:
            low_stock_check(ids)
        except Exception:
            log.exception("low-stock check failed for variants %s", ids)

    transaction.on_commit(run)


def low_stock_rearm(*, variant_id: int) -> bool:
    """Clear the latch if the variant is above its threshold again (after an import)."""
    variant = (
        Variant.objects.filter(pk=variant_id, low_stock_alerted_at__isnull=False)
        .annotate(available=_sellable_count())
        .first()
    )
    if variant is None or variant.available <= variant.low_stock_threshold:
        return False
    return bool(
        Variant.objects.filter(pk=variant_id, low_stock_alerted_at__isnull=False).update(
            low_stock_alerted_at=None
        )
    )
