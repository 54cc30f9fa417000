"""Send (or resume sending) one newsletter issue inline, as the Celery job would.

Refuses an unknown id and a draft: a draft is started from the admin, where the test to
oneself and the send permission are checked. An issue `sending` (a killed job) carries
on where it stopped; one already `sent` only finishes rows re-queued since."""

from django.core.management.base import BaseCommand, CommandError

from cms.services.newsletter_send import TRANSIENT, issue_send
from config.errors import Refusal


class Command(BaseCommand):
    help = "Send or resume sending a newsletter issue (already started from the admin)."

    def add_arguments(self, parser):
        parser.add_argument("issue_id", type=int)

    def handle(self, *args, issue_id, **options):
        try:
            recipients = issue_send(issue_id)
        except Refusal as refusal:
            raise CommandError(refusal.detail) from refusal
        except TRANSIENT as exc:
            # Raised before any claim: the unsent rows are still queued.
            raise CommandError(
                f"Cannot reach the mail server ({exc}); run this again to carry on."
            ) from exc
        self.stdout.write(f"Issue {issue_id} sent: {recipients} recipient(s).")
