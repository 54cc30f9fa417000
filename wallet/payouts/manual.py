"""Manual payouts: a CSV for the bank or for staff paying by hand; staff then mark the
batch (or single payouts) paid with the bank's reference."""

import io
import json

from config import csv_export

from .base import PayoutProvider, SubmitResult

COLUMNS = ("withdrawal_id", "email", "method", "amount", "currency", "pay_to")


class ManualProvider(PayoutProvider):
    name = "manual"

    def submit(self, batch, payouts) -> SubmitResult:
        out = io.StringIO()
        writer = csv_export.writer(out)
        writer.writerow(COLUMNS)
        for payout in payouts:
            withdrawal = payout.withdrawal
            details = json.loads(withdrawal.payout_details)
            writer.writerow(
                [
                    withdrawal.pk,
                    withdrawal.user.email,
                    withdrawal.method.code,
                    payout.amount,
                    withdrawal.currency,
                    "; ".join(f"{k}={v}" for k, v in sorted(details.items())),
                ]
            )
        batch.export_csv = out.getvalue()
        batch.save(update_fields=["export_csv"])
        return SubmitResult(accepted=True)
