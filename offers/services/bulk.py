"""Staff changes to many offers at once, each run one audit row."""

from django.db import transaction
from django.db.models import QuerySet

from accounts.services import audit_log

from ..models import Offer

BULK_CHANGES = {
    "activate": {"status": Offer.Status.ACTIVE},
    "deactivate": {"status": Offer.Status.INACTIVE},
    "feature": {"is_featured": True},
    "unfeature": {"is_featured": False},
}


def offers_bulk_update(*, offers: QuerySet[Offer], verb: str, actor, request=None) -> int:
    """Apply one of BULK_CHANGES to `offers`; returns how many rows changed."""
    changes = BULK_CHANGES[verb]
    with transaction.atomic():
        ids = sorted(offers.values_list("pk", flat=True))
        count = Offer.objects.filter(pk__in=ids).update(**changes)
        audit_log(
            actor=actor,
            action=f"offer.bulk_{verb}",
            metadata={"offer_ids": ids, **changes},
            request=request,
        )
    return count
