from wallet.models import Withdrawal

from .services.paid import conversions_mark_paid, conversions_release


def on_withdrawal_settled(sender, withdrawal, status, **kwargs):
    """Runs inside the payout's own transaction; the rules are in services/paid.py."""
    if status == Withdrawal.Status.COMPLETED:
        conversions_mark_paid(withdrawal=withdrawal)
    else:
        conversions_release(withdrawal=withdrawal)
