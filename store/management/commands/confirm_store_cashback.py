from django.core.management.base import BaseCommand

from store.services.cashback import confirm_store_cashback


class Command(BaseCommand):
    help = (
        "Confirm the pending cashback of store orders whose refund window is over (what "
        "the confirm-store-cashback beat task does). Safe to run twice: each order once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=1000)

    def handle(self, *args, **options):
        confirmed = confirm_store_cashback(limit=options["limit"])
        self.stdout.write(f"{confirmed} orders' cashback confirmed.")
