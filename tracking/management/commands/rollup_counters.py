from django.core.management.base import BaseCommand

from tracking.services.offer_stats import offer_stats_roll_up
from tracking.services.rollups import counters_roll_up


class Command(BaseCommand):
    help = (
        "Add new views, clicks and cashback events to the offers' counters, and new clicks "
        "and changed sales to the offers' and stores' daily figures (idempotent)."
    )

    def handle(self, *args, **options):
        for name, rows in {**counters_roll_up(), **offer_stats_roll_up()}.items():
            self.stdout.write(f"{name}: {rows} new row(s)")
