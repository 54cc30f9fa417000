"""Rebuild every store's rate card from its rates.

Rate changes keep the cards true on their own (offers.receivers); this is for what those
receivers never see: a fixture load, a raw SQL fix, a bulk `queryset.update()`. Safe to
run any time: a card is only ever a copy of the rates.
"""

from django.core.management.base import BaseCommand

from offers.services.rate_card import rate_cards_rebuild


class Command(BaseCommand):
    help = "Rebuild every store's category rate card from its rates (idempotent)."

    def handle(self, *args, **options):
        count = rate_cards_rebuild()
        self.stdout.write(self.style.SUCCESS(f"Rebuilt the rate cards of {count} store(s)."))
