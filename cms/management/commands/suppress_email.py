"""Suppress addresses (a bounce or complaint feed, a support request): one per argument,
or one per line of a file (`-` for stdin), so a provider's bounce export can be piped in.
Already suppressed addresses keep their first reason; an invalid one is reported and
the rest still go in."""

import sys

from django.core.management.base import BaseCommand, CommandError

from cms.models import Suppression
from cms.services.newsletter_suppress import suppress
from config.errors import Refusal


class Command(BaseCommand):
    help = "Add addresses to the newsletter suppression list (bounced, complained, requested)."

    def add_arguments(self, parser):
        parser.add_argument("emails", nargs="*")
        parser.add_argument("--file", help="One address per line; - for stdin.")
        parser.add_argument("--reason", choices=Suppression.Reason.values, default="bounced")
        parser.add_argument("--note", default="")

    def handle(self, *args, emails, file, reason, note, **options):
        if file:
            stream = sys.stdin if file == "-" else open(file, encoding="utf-8")  # noqa: SIM115
            with stream:
                emails = [*emails, *(line.strip() for line in stream if line.strip())]
        if not emails:
            raise CommandError("Give addresses or --file.")
        added = already = 0
        invalid = []
        for email in emails:
            try:
                if suppress(email, reason, note=note):
                    added += 1
                else:
                    already += 1
            except Refusal:
                invalid.append(email)
        for email in invalid:
            self.stderr.write(f"Not an email address: {email}")
        self.stdout.write(
            f"{added} suppressed, {already} already suppressed, {len(invalid)} invalid."
        )
        if invalid:
            raise CommandError(f"{len(invalid)} invalid address(es).")
