from django.core.management.base import BaseCommand, CommandError

from wallet.services.audit import wallet_audit


class Command(BaseCommand):
    help = (
        "Prove the ledger's invariants: transactions sum to zero, cached balances equal "
        "their entries. Exits non-zero if anything is off."
    )

    def handle(self, *args, **options):
        problems = wallet_audit()
        if problems:
            for problem in problems:
                self.stderr.write(f"  {problem}")
            raise CommandError(f"wallet_audit found {len(problems)} problem(s).")
        self.stdout.write(self.style.SUCCESS("wallet_audit: every invariant holds."))
