from django.core.management.base import BaseCommand

from store.services.reconcile import reconcile_payments


class Command(BaseCommand):
    help = (
        "Ask the payment providers about gateway payments still open (what the nightly "
        "reconcile-payments beat task does): captured ones are paid and fulfilled, failed "
        "or expired ones fail their order. Safe to run any time, and twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=500)

    def handle(self, *args, **options):
        counts = reconcile_payments(limit=options["limit"])
        self.stdout.write(", ".join(f"{name}: {n}" for name, n in counts.items()))
        if counts.get("errors"):
            self.stderr.write("Some providers could not be asked; they are tried again next run.")
