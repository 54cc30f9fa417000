"""Flag tickets past their first-response or resolution due time (the beat task does the
same every five minutes)."""

from django.core.management.base import BaseCommand

from support.services.sla import sla_flag_breaches


class Command(BaseCommand):
    help = "Flag support tickets that breached their SLA."

    def handle(self, *args, **options):
        report = sla_flag_breaches()
        self.stdout.write(
            self.style.SUCCESS(
                f"{report['first_response']} first-response and "
                f"{report['resolution']} resolution breaches flagged."
            )
        )
