from django.core.management.base import BaseCommand, CommandError

from config.errors import Refusal
from wallet.models import PayoutBatch
from wallet.services.payouts import payout_batch_mark_paid, payouts_process


class Command(BaseCommand):
    help = (
        "Hand approved withdrawals to their payout provider and settle what providers "
        "report. Manual batches wait for staff: mark one paid with --mark-paid."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=100)
        parser.add_argument(
            "--mark-paid", metavar="SENDER_BATCH_ID", help="A manual batch paid by the bank."
        )
        parser.add_argument("--reference", help="The bank's reference for --mark-paid.")

    def handle(self, *args, batch_size, mark_paid=None, reference=None, **options):
        if mark_paid:
            batch = PayoutBatch.objects.filter(sender_batch_id=mark_paid, provider="manual").first()
            if batch is None:
                raise CommandError(f"No manual payout batch {mark_paid!r}.")
            if not reference:
                raise CommandError("--mark-paid needs --reference (the bank's reference).")
            try:
                paid = payout_batch_mark_paid(batch=batch, reference=reference, actor=None)
            except Refusal as refused:
                raise CommandError(refused.detail) from refused
            self.stdout.write(f"{batch.sender_batch_id}: {paid} withdrawal(s) marked paid.")
            return
        report = payouts_process(batch_size=batch_size)
        self.stdout.write(
            f"{report.batches} new batch(es), {report.submitted} submitted, "
            f"{report.paid} paid, {report.failed} failed."
        )
        for batch in PayoutBatch.objects.filter(
            provider="manual", status=PayoutBatch.Status.SUBMITTED
        ):
            pending = batch.payouts.filter(status="pending").count()
            self.stdout.write(
                f"  {batch.sender_batch_id}: {pending} payout(s), {batch.currency} {batch.total}, "
                f"waiting to be paid by hand (admin → Payout batches, or --mark-paid "
                f"{batch.sender_batch_id} --reference <bank ref>)."
            )
