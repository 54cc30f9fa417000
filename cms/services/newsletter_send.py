"""Sending an issue: a test to the staff member, then the real thing.

Start: draft → sending by one conditional UPDATE (two Send clicks start one job), only if
a test went out since the last edit; the text is rendered once then, so a send resumed
later mails the same issue.

Run (the Celery task per batch, or `manage.py send_newsletter` inline): one
NewsletterDelivery row per confirmed, non-suppressed subscription, written with ON
CONFLICT DO NOTHING (the row is the idempotency key), then batches of
NEWSLETTER_BATCH_SIZE over one SMTP connection. For each row, everything that can take
time or fail is done first (the still-wanted check, the message, the connection made
sure of); only then is the row claimed queued → sending by a conditional UPDATE, right
before the message is handed to SMTP; only the run whose UPDATE changed it sends. So a
worker killed anywhere between two emails (or a connection that cannot be opened)
leaves every unsent row `queued`, and the rerun mails each of them once. A `sent` row is
never mailed again. Only a kill inside the SMTP conversation itself leaves a row
`sending`, its email perhaps gone: there we chose at most once (a second copy of a
newsletter is spam; a lost one is visible), and staff re-queue rows stuck longer than
STUCK_AFTER from the admin, knowing those may have left. When no queued row is left the
issue is `sent`, `recipients` the sent rows.

No tracking: no pixel, no rewritten links; every email carries List-Unsubscribe and
List-Unsubscribe-Post (RFC 8058) and the unsubscribe link in its body.
"""

import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.html import escape

from config.errors import Conflict, Forbidden, NotFound, Refusal

from ..models import NewsletterDelivery, NewsletterIssue, Subscription, Suppression
from .newsletter_render import issue_render
from .newsletter_tokens import unsubscribe_url

Status = NewsletterDelivery.Status
IssueStatus = NewsletterIssue.Status
STUCK_AFTER = timedelta(minutes=15)
TRANSIENT = (OSError, smtplib.SMTPException)


class IssueNotTested(Conflict):
    code = "not_tested"


class IssueNotDraft(Conflict):
    code = "not_draft"


class IssueNotSending(Conflict):
    code = "not_sending"


class NoSendPermission(Forbidden):
    code = "permission_denied"


class UnknownIssue(NotFound):
    code = "not_found"


def _suppressed():
    return Exists(
        Suppression.objects.annotate(low=Lower("email")).filter(low=Lower(OuterRef("email")))
    )


def _message(*, subject, text, html, to, unsubscribe) -> EmailMultiAlternatives:
    if unsubscribe:
        headers = {
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
        text = f"{text.rstrip()}\n\n--\nUnsubscribe: {unsubscribe}\n"
        link = escape(unsubscribe)
        html = f'{html}<hr><p><a href="{link}">Unsubscribe</a> from this newsletter.</p>'
    else:
        headers = {}
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to], headers=headers)
    message.attach_alternative(html, "text/html")
    return message


# --- test and start --------------------------------------------------------------------


def issue_send_test(*, issue: NewsletterIssue, actor, request=None) -> bool:
    """The issue as it would go now, to the staff member's own address only. Marks
    test_sent_at with an UPDATE (a save() would move updated_at past it)."""
    if issue.status != IssueStatus.DRAFT:
        raise IssueNotDraft(detail=f"“{issue}” is not a draft any more.")
    if not actor.email:
        raise Refusal("no_email", "Your staff account has no email address to send the test to.")
    text, html = issue_render(issue)
    note = "This is a test. Subscribers' copies carry their own unsubscribe link."
    _message(
        subject=f"[Test] {issue.subject}",
        text=f"{note}\n\n{text}",
        html=f"<p><em>{escape(note)}</em></p>{html}",
        to=actor.email,
        unsubscribe="",
    ).send()
    NewsletterIssue.objects.filter(pk=issue.pk).update(test_sent_at=timezone.now())
    return True


def issue_send_start(*, issue: NewsletterIssue, actor, request=None) -> bool:
    if not actor.has_perm("cms.send_newsletterissue"):
        raise NoSendPermission(detail="You may not send newsletter issues.")
    text, html = issue_render(issue)
    started = NewsletterIssue.objects.filter(
        pk=issue.pk,
        status=IssueStatus.DRAFT,
        test_sent_at__isnull=False,
        test_sent_at__gte=F("updated_at"),
    ).update(
        status=IssueStatus.SENDING,
        rendered_text=text,
        rendered_html=html,
        send_started_at=timezone.now(),
    )
    if not started:
        current = NewsletterIssue.objects.get(pk=issue.pk)
        if current.status != IssueStatus.DRAFT:
            raise IssueNotDraft(detail=f"“{issue}” is already being sent or was sent.")
        raise IssueNotTested(detail=f"Send a test of “{issue}” to yourself after your last edit.")
    from ..tasks import send_newsletter_batch

    transaction.on_commit(lambda: send_newsletter_batch.delay(issue.pk, write=True))
    return True


# --- the run ---------------------------------------------------------------------------


def deliveries_write(issue: NewsletterIssue) -> int:
    """Rows for every confirmed, non-suppressed subscription of the list, in batches by
    id; rows already there (a rerun) stay as they are."""
    written, after = 0, 0
    size = settings.NEWSLETTER_BATCH_SIZE
    while True:
        batch = list(
            Subscription.objects.filter(
                newsletter_id=issue.newsletter_id,
                status=Subscription.Status.CONFIRMED,
                pk__gt=after,
            )
            .exclude(_suppressed())
            .order_by("pk")
            .values_list("pk", "email")[:size]
        )
        if not batch:
            return written
        NewsletterDelivery.objects.bulk_create(
            [
                NewsletterDelivery(issue=issue, subscription_id=pk, email=email)
                for pk, email in batch
            ],
            ignore_conflicts=True,
        )
        written += len(batch)
        after = batch[-1][0]


def _claim(delivery_id: int) -> bool:
    return bool(
        NewsletterDelivery.objects.filter(pk=delivery_id, status=Status.QUEUED).update(
            # sent_at holds when the send began until it ends (STUCK_AFTER).
            status=Status.SENDING,
            attempts=F("attempts") + 1,
            sent_at=timezone.now(),
        )
    )


def _still_wanted(delivery: NewsletterDelivery) -> bool:
    return (
        Subscription.objects.filter(
            pk=delivery.subscription_id,
            status=Subscription.Status.CONFIRMED,
            newsletter__is_active=True,
        )
        .exclude(_suppressed())
        .exists()
    )


def _deliver(issue: NewsletterIssue, delivery: NewsletterDelivery, connection) -> None:
    queued = NewsletterDelivery.objects.filter(pk=delivery.pk, status=Status.QUEUED)
    if not _still_wanted(delivery):
        queued.update(status=Status.SKIPPED)
        return
    message = _message(
        subject=issue.subject,
        text=issue.rendered_text,
        html=issue.rendered_html,
        to=delivery.email,
        unsubscribe=unsubscribe_url(delivery.subscription),
    )
    message.connection = connection
    # Reconnects after a failure (close() dropped it); a server we cannot reach raises
    # here, before any claim, so the row stays queued for the rerun.
    connection.open()
    if not _claim(delivery.pk):
        return  # another run has it
    mine = NewsletterDelivery.objects.filter(pk=delivery.pk, status=Status.SENDING)
    try:
        message.send()
    except TRANSIENT as exc:
        mine.update(status=Status.FAILED, last_error=f"{type(exc).__name__}: {exc}"[:500])
        connection.close()
        return
    mine.update(status=Status.SENT, sent_at=timezone.now())


def _finish(issue_id: int) -> None:
    # Locked first, counted second: of two runs ending at once, the later one counts
    # after the earlier one's rows are all marked, so `recipients` ends exact.
    with transaction.atomic():
        issue = NewsletterIssue.objects.select_for_update().get(pk=issue_id)
        if issue.status == IssueStatus.DRAFT:
            return
        issue.status = IssueStatus.SENT
        issue.sent_at = issue.sent_at or timezone.now()
        issue.recipients = NewsletterDelivery.objects.filter(
            issue_id=issue_id, status=Status.SENT
        ).count()
        NewsletterIssue.objects.filter(pk=issue_id).update(
            status=issue.status, sent_at=issue.sent_at, recipients=issue.recipients
        )


def issue_send_batch(issue_id: int, *, write: bool = False) -> int:
    """Send one batch of queued rows (after writing the recipients' rows, when `write`:
    the first batch of a run); the number of rows still queued after it (0: done, and
    the issue is marked sent)."""
    issue = NewsletterIssue.objects.filter(pk=issue_id).first()
    if issue is None:
        raise UnknownIssue(detail=f"No newsletter issue {issue_id}.")
    if issue.status == IssueStatus.DRAFT:
        raise IssueNotSending(detail=f"Issue {issue_id} is a draft: start it from the admin.")
    queued = NewsletterDelivery.objects.filter(issue_id=issue_id, status=Status.QUEUED)
    if write and issue.status == IssueStatus.SENDING:
        deliveries_write(issue)
    batch = list(
        queued.select_related("subscription").order_by("pk")[: settings.NEWSLETTER_BATCH_SIZE]
    )
    connection = get_connection()
    try:
        for delivery in batch:
            _deliver(issue, delivery, connection)
    finally:
        connection.close()
    left = queued.count()
    if not left:
        _finish(issue_id)
    return left


def issue_send(issue_id: int) -> int:
    """The whole send inline (the command): batches until none is queued; the issue's
    recipients."""
    left = issue_send_batch(issue_id, write=True)
    while left:
        left = issue_send_batch(issue_id)
    return NewsletterIssue.objects.get(pk=issue_id).recipients


def deliveries_requeue_stuck(*, issue: NewsletterIssue, actor=None, request=None) -> int:
    """Rows left `sending` longer than STUCK_AFTER back to queued (their email may have
    left: staff decide), and the job started again; also when only queued rows are left
    (a job that died on an unreachable mail server: this is staff's way to resume it).
    The number of rows the job now has to send."""
    if actor is not None and not actor.has_perm("cms.send_newsletterissue"):
        raise NoSendPermission(detail="You may not send newsletter issues.")
    NewsletterDelivery.objects.filter(
        issue=issue, status=Status.SENDING, sent_at__lt=timezone.now() - STUCK_AFTER
    ).update(status=Status.QUEUED, sent_at=None)
    queued = NewsletterDelivery.objects.filter(issue=issue, status=Status.QUEUED).count()
    if queued:
        NewsletterIssue.objects.filter(pk=issue.pk, status=IssueStatus.SENT).update(
            status=IssueStatus.SENDING
        )
        from ..tasks import send_newsletter_batch

        transaction.on_commit(lambda: send_newsletter_batch.delay(issue.pk))
    return queued
