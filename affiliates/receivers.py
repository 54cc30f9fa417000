from django.utils import timezone

from wallet.models import Withdrawal

from .models import Conversion
from .services.deliveries import deliveries_enqueue_many


def on_withdrawal_settled(sender, withdrawal, status, **kwargs):
    """Runs inside the payout's own transaction: its conversions are paid with it (and
    their partner's postbacks hear so), or become payable again when the payout is
    rejected, cancelled or failed."""
    if withdrawal.source != Withdrawal.Source.COMMISSION:
        return
    covered = Conversion.objects.filter(payout=withdrawal)
    if status == Withdrawal.Status.COMPLETED:
        ids = list(covered.exclude(status=Conversion.Status.PAID).values_list("pk", flat=True))
        Conversion.objects.filter(pk__in=ids).update(
            status=Conversion.Status.PAID, paid_at=timezone.now()
        )
        deliveries_enqueue_many(
            conversions=Conversion.objects.filter(pk__in=ids).select_related("goal"),
            event="status_changed",
        )
    else:
        covered.update(payout=None)
