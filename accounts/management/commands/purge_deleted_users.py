from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from accounts.models import User
from accounts.services import user_purge


class Command(BaseCommand):
    help = "Anonymise accounts closed more than N days ago, freeing their email addresses."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=settings.ACCOUNT_PURGE_AFTER_DAYS)
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, days, dry_run, **options):
        cutoff = timezone.now() - timedelta(days=days)
        due = User.objects.filter(deleted_at__lt=cutoff).exclude(email__endswith="@deleted.invalid")
        count = 0
        for user in due.iterator():
            if not dry_run:
                user_purge(user=user)
            count += 1
        verb = "would purge" if dry_run else "purged"
        self.stdout.write(f"{verb} {count} account(s) closed before {cutoff:%Y-%m-%d}.")
