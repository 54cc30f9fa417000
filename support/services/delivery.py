"""Sending one NotificationDelivery: an email, or a Telegram message.

Retries: a mail server that fails transiently gets the task retried with a backoff; after
the last try the delivery is marked failed, with the error, for staff to see.
"""

from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

from ..models import Channel, NotificationDelivery
from ..telegram.delivery import telegram_send_notification

Status = NotificationDelivery.Status


def _send_email(delivery: NotificationDelivery) -> None:
    user = delivery.notification.user
    EmailMultiAlternatives(subject=delivery.subject, body=delivery.text, to=[user.email]).send()


def delivery_send(task, delivery_id: int) -> None:
    delivery = (
        NotificationDelivery.objects.select_related("notification__user")
        .filter(pk=delivery_id, status=Status.QUEUED)
        .first()
    )
    if delivery is None:
        return  # sent already (a redelivered task), or given up on
    attempts = delivery.attempts + 1
    still_queued = NotificationDelivery.objects.filter(pk=delivery_id, status=Status.QUEUED)
    try:
        if delivery.channel == Channel.EMAIL:
            _send_email(delivery)
        else:
            telegram_send_notification(delivery)
    except OSError as exc:
        final = attempts > (task.max_retries or 0)
        still_queued.update(
            attempts=attempts,
            last_error=str(exc)[:500],
            status=Status.FAILED if final else Status.QUEUED,
        )
        if final:
            return
        raise task.retry(exc=exc, countdown=30 * 2**attempts) from exc
    still_queued.update(attempts=attempts, status=Status.SENT, sent_at=timezone.now())
