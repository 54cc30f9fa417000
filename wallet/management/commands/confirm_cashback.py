from django.core.management.base import BaseCommand, CommandError

from wallet.services.confirmation import cashback_confirm_due


class Command(BaseCommand):
    help = (
        "Confirm due cashback (network-approved, or past the lock period under auto-confirm): "
        "pending → available, in batches. Safe to stop and run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count, change nothing.")
        parser.add_argument("--limit", type=int, help="Confirm at most this many events.")
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, dry_run, limit, batch_size, **options):
        if (limit is not None and limit < 1) or batch_size < 1:
            raise CommandError("--limit and --batch-size must be at least 1.")
        report = cashback_confirm_due(limit=limit, batch_size=batch_size, dry_run=dry_run)
        verb = "Would confirm" if dry_run else "Confirmed"
        self.stdout.write(
            f"{verb} {report.confirmed} cashback event(s) worth {report.amount}"
            + (
                ""
                if dry_run
                else f" in {report.batches} batch(es); "
                f"{report.referral_rewards} referral reward(s) paid."
            )
        )
