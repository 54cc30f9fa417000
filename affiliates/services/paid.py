"""A partner payout settles the conversions it covered: they are paid with it, or free for
the next payout when it is not. Both run inside the payout's own transaction (wallet's
withdrawal_settled signal), so the conversions commit or roll back with the money."""

from django.utils import timezone

from accounts.services import transition_claimed
from wallet.models import Withdrawal

from ..models import Conversion
from .deliveries import deliveries_enqueue_many


def _covered(withdrawal: Withdrawal):
    # Only commission withdrawals cover conversions; a shopper's costs no query.
    if withdrawal.source != Withdrawal.Source.COMMISSION:
        return Conversion.objects.none()
    return Conversion.objects.filter(payout=withdrawal)


def conversions_mark_paid(*, withdrawal: Withdrawal) -> int:
    """The payout was paid: its conversions are paid, and their partners' postbacks hear
    so (once: a conversion already paid is not announced again)."""
    # A conversion in a payout cannot be declined (conversion_set_status refuses), so the
    # ones not yet paid are approved; locked in pk order, as every conversion writer does.
    ids = list(
        _covered(withdrawal)
        .filter(status=Conversion.Status.APPROVED)
        .select_for_update()
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not ids:
        return 0
    transition_claimed(
        Conversion,
        ids,
        was=Conversion.Status.APPROVED,
        to=Conversion.Status.PAID,
        reason=f"Paid in payout #{withdrawal.pk}.",
        updates={"paid_at": timezone.now()},
    )
    deliveries_enqueue_many(
        conversions=Conversion.objects.filter(pk__in=ids).select_related("goal"),
        event="status_changed",
    )
    return len(ids)


def conversions_release(*, withdrawal: Withdrawal) -> int:
    """The payout was rejected, cancelled or failed: its commission went back to the
    payable balance, so its conversions may be covered by the next payout."""
    return _covered(withdrawal).update(payout=None)
