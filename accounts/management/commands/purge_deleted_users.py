from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.services import users_purge_closed

MAX_DAYS = 100_000


class Command(BaseCommand):
    help = "Anonymise accounts closed more than N days ago, freeing their email addresses."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=settings.ACCOUNT_PURGE_AFTER_DAYS)
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, days, dry_run, **options):
        if days < 0:
            raise CommandError("--days cannot be negative.")
        if days > MAX_DAYS:  # a cutoff before year 1 would be an OverflowError
            raise CommandError(f"--days must be at most {MAX_DAYS}.")
        count = users_purge_closed(days=days, dry_run=dry_run)
        cutoff = timezone.now() - timedelta(days=days)
        verb = "would purge" if dry_run else "purged"
        self.stdout.write(f"{verb} {count} account(s) closed before {cutoff:%Y-%m-%d}.")
