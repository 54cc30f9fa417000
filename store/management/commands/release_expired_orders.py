from django.core.management.base import BaseCommand

from store.services.order_release import release_expired_orders


class Command(BaseCommand):
    help = (
        "Fail unpaid store orders past their reservation, giving back their codes and "
        "wallet holds (what the release-expired-orders beat task does every minute)."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"{release_expired_orders()} orders released.")
