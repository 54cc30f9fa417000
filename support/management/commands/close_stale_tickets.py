"""Close resolved tickets nobody answered for SUPPORT_STALE_CLOSE_DAYS (the beat task
does the same every night)."""

from django.core.management.base import BaseCommand

from support.services.tickets import tickets_close_stale


class Command(BaseCommand):
    help = "Close resolved support tickets without a reply for SUPPORT_STALE_CLOSE_DAYS days."

    def handle(self, *args, **options):
        report = tickets_close_stale()
        self.stdout.write(self.style.SUCCESS(f"{report['closed']} tickets closed."))
