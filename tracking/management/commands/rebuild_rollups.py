from django.core.management.base import BaseCommand

from tracking.services.offer_stats import offer_stats_rebuild
from tracking.services.rollups import rollups_rebuild


class Command(BaseCommand):
    help = (
        "Recount offer counters, link click counters, daily partner clicks and the offers' "
        "and stores' daily figures from the raw rows (after a restore or bulk import). "
        "Safe to run at any time."
    )

    def handle(self, *args, **options):
        for name, rows in {**rollups_rebuild(), **offer_stats_rebuild()}.items():
            self.stdout.write(f"{name}: {rows} row(s) counted")
