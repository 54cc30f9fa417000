from django.utils import timezone

from wallet.models import Withdrawal

from .models import Conversion


def on_withdrawal_settled(sender, withdrawal, status, **kwargs):
    """Runs inside the payout's own transaction: its conversions are paid with it, or
    become payable again when the payout is rejected, cancelled or failed."""
    if withdrawal.source != Withdrawal.Source.COMMISSION:
        return
    covered = Conversion.objects.filter(payout=withdrawal)
    if status == Withdrawal.Status.COMPLETED:
        covered.update(status=Conversion.Status.PAID, paid_at=timezone.now())
    else:
        covered.update(payout=None)
