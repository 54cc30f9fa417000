from django.core.management.base import BaseCommand

from store.services.fulfilment import fulfil_paid_orders


class Command(BaseCommand):
    help = (
        "Deliver paid store orders a worker did not finish (what the fulfil-paid-orders "
        "beat task does). Safe to run any time, and twice: nothing is delivered twice."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"{fulfil_paid_orders()} orders fulfilled.")
