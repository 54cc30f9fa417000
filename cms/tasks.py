"""CMS tasks: thin wrappers over the services."""

import smtplib

from celery import shared_task


@shared_task
def publish_scheduled():
    """Beat, every minute: scheduled pages and posts whose time has come go live."""
    from .services.publishing import publish_scheduled as run

    return {"published": run()}


# A mail server that cannot be reached fails the batch before any row is claimed: try
# again later rather than leave the issue `sending` with nobody to carry it on.
@shared_task(autoretry_for=(OSError, smtplib.SMTPException), retry_backoff=60, max_retries=8)
def send_newsletter_batch(issue_id: int, write: bool = False):
    """One batch of an issue's send; queues the next batch while rows are left."""
    from .services.newsletter_send import issue_send_batch

    left = issue_send_batch(issue_id, write=write)
    if left:
        send_newsletter_batch.delay(issue_id)
    return {"left": left}
