"""Prove every cached points balance equals the sum of its activity rows (exit 1 if not).

`wallet_audit` proves the money; this proves the points. Kept apart because the wallet
imports no other app.
"""

from django.core.management.base import BaseCommand, CommandError

from gamification.services.audit import points_mismatches


class Command(BaseCommand):
    help = "Check cached points balances against the activity rows; exit 1 on any mismatch."

    def handle(self, *args, **options):
        mismatches = points_mismatches()
        for m in mismatches:
            self.stderr.write(
                f"user {m.user_id}: cached balance {m.cached_balance} lifetime "
                f"{m.cached_lifetime}, rows say {m.balance} and {m.lifetime}"
            )
        if mismatches:
            raise CommandError(f"{len(mismatches)} points balance(s) do not match their rows.")
        self.stdout.write(self.style.SUCCESS("Points balances match their activity rows."))
