from django.core.management.base import BaseCommand

from affiliates.services.deliveries import deliveries_dispatch


class Command(BaseCommand):
    help = "Send partner postbacks that are due (new ones and retries on their schedule)."

    def handle(self, *args, **options):
        report = deliveries_dispatch()
        self.stdout.write(
            f"{report.delivered} delivered, {report.retrying} to retry, {report.failed} failed."
        )
