from django.core.management.base import BaseCommand

from support.services.claims import claims_advance


class Command(BaseCommand):
    help = (
        "Move missing-cashback claims along (what the advance_claims beat task does every "
        "5 minutes): claims whose sale has arrived close as tracked, claims past their "
        "store's validation window come off ice. Safe to run any time, and twice."
    )

    def handle(self, *args, **options):
        moved = claims_advance()
        self.stdout.write(f"{moved['tracked']} tracked, {moved['ready']} off ice.")
