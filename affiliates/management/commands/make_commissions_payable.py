from django.core.management.base import BaseCommand

from affiliates.services.payable import commissions_make_payable


class Command(BaseCommand):
    help = (
        "Credit approved commissions whose holding period has passed to partners' payable balances."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"{commissions_make_payable()} commission(s) became payable.")
