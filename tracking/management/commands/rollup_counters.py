from django.core.management.base import BaseCommand

from tracking.services.rollups import counters_roll_up


class Command(BaseCommand):
    help = "Add new views, clicks and cashback events to the offers' counters (idempotent)."

    def handle(self, *args, **options):
        for name, rows in counters_roll_up().items():
            self.stdout.write(f"{name}: {rows} new row(s)")
