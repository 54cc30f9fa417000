"""Recompute every shopper's VIP tier now (the nightly beat task does the same)."""

from django.core.management.base import BaseCommand

from gamification.services.tiers import recompute_tiers


class Command(BaseCommand):
    help = "Recompute VIP tiers from the trailing 365 days of confirmed cashback."

    def handle(self, *args, **options):
        report = recompute_tiers()
        self.stdout.write(
            self.style.SUCCESS(f"{report.shoppers} shoppers, {report.changed} tier changes.")
        )
