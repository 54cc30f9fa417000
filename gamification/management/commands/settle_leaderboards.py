from django.core.management.base import BaseCommand, CommandError

from gamification.services.leaderboard_settle import leaderboards_settle


class Command(BaseCommand):
    help = (
        "Settle every ended leaderboard period: final entries, prizes paid once, winners "
        "told. Safe to stop and run again (beat: daily after midnight)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count, change nothing.")
        parser.add_argument("--batch-size", type=int, default=200)

    def handle(self, *args, dry_run, batch_size, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        report = leaderboards_settle(dry_run=dry_run, batch_size=batch_size)
        verb = "Would pay" if dry_run else "Paid"
        self.stdout.write(
            f"{report.periods} period(s), {report.entries} entr(y/ies) written; "
            f"{verb} {report.paid} prize(s) worth {report.amount}."
        )
        if report.unfinished:
            self.stdout.write(f"{report.unfinished} period(s) left with prizes unpaid: run again.")
