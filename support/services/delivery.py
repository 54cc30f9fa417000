"""Sending one NotificationDelivery: an email, or a Telegram message.

Claiming: the task first moves the row queued → sending with a conditional UPDATE; only
the worker whose UPDATE changed the row sends, so a redelivered or duplicated task finds
nothing to claim and sends nothing. A worker killed mid-send leaves the row `sending`:
we chose at most once (a second copy of "your payout details changed" is noise we can
avoid; a lost one is visible), and the admin lists rows stuck in `sending` next to the
failed ones, for staff to re-queue with the "retry" action.

Retries: a transient failure (OSError, an SMTP error, a Telegram error other than those
below) puts the row back to queued and retries the task with a growing countdown; after
the last try the row is `failed` with its error, for staff. Telegram's 429 retries after
the `retry_after` it asked for without spending a try; a chat that is gone or no longer
linked is `skipped`, never retried.
"""

import smtplib
from datetime import timedelta

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from ..models import Category, Channel, NotificationDelivery
from ..telegram.delivery import telegram_send_notification
from ..telegram.errors import TelegramChatGone, TelegramError, TelegramNotLinked, TelegramRetryAfter
from .preferences import channels_for
from .unsubscribe import unsubscribe_url

Status = NotificationDelivery.Status
TRANSIENT = (OSError, smtplib.SMTPException, TelegramError)
# A delivery "sending" longer than this lost its worker mid-send: staff may re-queue it.
STUCK_AFTER = timedelta(minutes=15)
MAX_RETRY = 1000  # per admin action: the queue is fed in bounded steps
SWITCHED_OFF = "The user switched this channel off before it was sent."
BACKOFF_SECONDS = 120  # then 5 times longer per try: 2 min, 10 min, …


def _send_email(delivery: NotificationDelivery) -> None:
    notification = delivery.notification
    user = notification.user
    body, headers = delivery.text, {}
    if notification.category == Category.PROMOTIONS:
        # RFC 2369 + RFC 8058: mail clients offer "unsubscribe" and POST to the https URL
        # themselves, no login; the same link is in the body for people.
        link = unsubscribe_url(user, Category.PROMOTIONS)
        headers = {
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
        body = f"{body.rstrip()}\n\nNo more promotional emails: {link}\n"
    EmailMultiAlternatives(
        subject=delivery.subject, body=body, to=[user.email], headers=headers
    ).send()


def _claim(delivery_id: int) -> NotificationDelivery | None:
    claimed = NotificationDelivery.objects.filter(pk=delivery_id, status=Status.QUEUED).update(
        # sent_at holds when the send began until it ends: a row `sending` since long
        # ago was cut off mid-send (STUCK_AFTER).
        status=Status.SENDING,
        attempts=F("attempts") + 1,
        sent_at=timezone.now(),
    )
    if not claimed:
        return None  # sent, being sent, given up on, or skipped: not ours
    return NotificationDelivery.objects.select_related("notification__user").get(pk=delivery_id)


def _unbounded(task) -> int:
    # Celery reads max_retries=None as "the task's default": allow this one more instead.
    return task.request.retries + 1


def delivery_send(task, delivery_id: int) -> None:
    delivery = _claim(delivery_id)
    if delivery is None:
        return
    mine = NotificationDelivery.objects.filter(pk=delivery_id, status=Status.SENDING)
    notification = delivery.notification
    if not getattr(channels_for(notification.user, notification.category), delivery.channel):
        # Switched off since notify() (the one-click unsubscribe while a promotion waited
        # in the queue or for a retry): nothing more of it leaves.
        mine.update(status=Status.SKIPPED, last_error=SWITCHED_OFF, sent_at=None)
        return
    try:
        if delivery.channel == Channel.EMAIL:
            _send_email(delivery)
        else:
            telegram_send_notification(delivery)
    except TelegramRetryAfter as exc:
        # Telegram's own pacing, not a failure of this message: the try is given back.
        mine.update(
            status=Status.QUEUED,
            attempts=F("attempts") - 1,
            last_error=str(exc)[:500],
            sent_at=None,
        )
        raise task.retry(exc=exc, countdown=exc.retry_after, max_retries=_unbounded(task)) from exc
    except (TelegramChatGone, TelegramNotLinked) as exc:
        mine.update(status=Status.SKIPPED, last_error=str(exc)[:500], sent_at=None)
        return
    except TRANSIENT as exc:
        error = f"{type(exc).__name__}: {exc}"[:500]
        if delivery.attempts > task.max_retries:
            mine.update(status=Status.FAILED, last_error=error, sent_at=None)
            return
        mine.update(status=Status.QUEUED, last_error=error, sent_at=None)
        # The row's attempts count the tries (Telegram's waits are not tries), so Celery's
        # own counter must not stop the retry first.
        countdown = BACKOFF_SECONDS * 5 ** (delivery.attempts - 1)
        raise task.retry(exc=exc, countdown=countdown, max_retries=_unbounded(task)) from exc
    except Exception as exc:
        # A bug, not the network: no retry would help; staff see it with the failures.
        mine.update(status=Status.FAILED, last_error=f"{type(exc).__name__}: {exc}"[:500])
        raise
    mine.update(status=Status.SENT, sent_at=timezone.now(), last_error="")


def deliveries_retry(deliveries) -> list[NotificationDelivery]:
    """Re-queue the failed deliveries among these, and those stuck `sending` longer than
    STUCK_AFTER (one sending now is left alone: re-queuing it could send it twice). Each
    gets a fresh set of tries. Returns the rows re-queued, as they were before."""
    from ..tasks import deliver_notification

    retryable = Q(status=Status.FAILED) | Q(
        status=Status.SENDING, sent_at__lt=timezone.now() - STUCK_AFTER
    )
    with transaction.atomic():
        rows = list(
            deliveries.select_related(None)
            .filter(retryable)
            .select_for_update()
            .order_by("pk")[:MAX_RETRY]
        )
        ids = [row.pk for row in rows]
        NotificationDelivery.objects.filter(pk__in=ids).update(
            status=Status.QUEUED, attempts=0, sent_at=None
        )
        transaction.on_commit(lambda: [deliver_notification.delay(delivery_id=pk) for pk in ids])
    return rows
