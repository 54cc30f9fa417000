"""Trim the 404 log to its bound now (the log also trims itself as it grows)."""

from django.core.management.base import BaseCommand

from cms.services.not_found import MAX_ROWS, not_found_prune


class Command(BaseCommand):
    help = "Delete the least useful 404 log rows beyond --keep (paths with a rule stay)."

    def add_arguments(self, parser):
        parser.add_argument("--keep", type=int, default=MAX_ROWS)

    def handle(self, *args, keep, **options):
        deleted = not_found_prune(keep=keep)
        self.stdout.write(f"{deleted} 404 log row(s) deleted.")
