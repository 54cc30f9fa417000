"""Staff changes to many offers at once, each run one audit row."""

from django.db import transaction
from django.db.models import QuerySet

from accounts.services import audit_log, transition_claimed

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
        if "status" in changes:
            count = _move_status(ids, changes["status"], verb, actor)
        else:
            count = Offer.objects.filter(pk__in=ids).update(**changes)
        audit_log(
            actor=actor,
            action=f"offer.bulk_{verb}",
            metadata={"offer_ids": ids, **changes},
            request=request,
        )
    return count


def _move_status(ids: list[int], target: str, verb: str, actor) -> int:
    """Status moves leave history: the selected rows, locked in pk order, grouped by the
    status each is in now (rows already there are left alone)."""
    rows = Offer.objects.select_for_update().filter(pk__in=ids).exclude(status=target)
    by_status: dict[str, list[int]] = {}
    for pk, status in rows.order_by("pk").values_list("pk", "status"):
        by_status.setdefault(status, []).append(pk)
    return sum(
        transition_claimed(
            Offer, pks, was=was, to=target, actor=actor, reason=f"Bulk action: {verb}."
        )
        for was, pks in by_status.items()
    )
