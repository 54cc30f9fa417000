"""Telling a user something: the one notify(), for every app. It imports nothing of
theirs: callers pass plain text, an idempotency key and, for a richer email, a template.

One row per (user, key), whatever the channels: calling twice with the same key (a
retried task, a replayed postback) shows one notice and sends one email. The in-app row
and the unread counter move in the caller's transaction; emails and Telegram messages
leave from tasks after commit, one NotificationDelivery row each, so a failure stays
visible to staff.
"""

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.emails import render_plain
from accounts.models import User
from config.fast_insert import insert_instance

from ..models import Channel, Notification, NotificationDelivery, NotificationInbox
from .preferences import channels_for


def _email_text(notification: Notification, user, template: str, context: dict) -> tuple[str, str]:
    """Subject and body: the caller's template (emails/<template>_subject.txt and
    _body.txt), else the generic one made of the notice itself."""
    name = template or "notification"
    context = {
        "user": user,
        "notification": notification,
        "link": settings.SITE_URL + notification.url if notification.url.startswith("/") else "",
        "SITE_NAME": settings.SITE_NAME,
        **context,
    }
    subject = " ".join(render_plain(f"emails/{name}_subject.txt", context).split())
    return subject[:200], render_plain(f"emails/{name}_body.txt", context)


def unread_increment(user_id: int, by: int = 1) -> None:
    """Add to the user's unread counter, creating it at its first notice."""
    if not NotificationInbox.objects.filter(pk=user_id).update(unread=F("unread") + by):
        _, created = NotificationInbox.objects.get_or_create(pk=user_id, defaults={"unread": by})
        if not created:  # made concurrently between our UPDATE and INSERT
            NotificationInbox.objects.filter(pk=user_id).update(unread=F("unread") + by)


def notify(
    *,
    user: User,
    category: str,
    title: str,
    body: str = "",
    url: str = "",
    key: str,
    email_template: str = "",
    context: dict | None = None,
    email: bool = True,
) -> Notification | None:
    """Tell `user` about something in `category`, on the channels they chose. Returns
    the notification, or None when `key` was used before for this user (nothing sent).
    `email=False`: no email for this one (the caller sends one digest for many)."""
    chosen = channels_for(user, category)
    with transaction.atomic():
        notification = Notification(
            user=user,
            category=category,
            key=key[:200],
            title=title[:120],
            body=body[:500],
            url=url[:300] if _local_path(url[:300]) else "",
            in_app=chosen.in_app,
        )
        if not insert_instance(notification, unless_conflict_on=("user", "key")):
            return None
        if chosen.in_app:
            unread_increment(user.pk)
        deliveries = []
        if email and chosen.email and user.email:
            subject, text = _email_text(notification, user, email_template, context or {})
            deliveries.append(
                NotificationDelivery(
                    notification=notification, channel=Channel.EMAIL, subject=subject, text=text
                )
            )
        if chosen.telegram and _telegram_linked(user):
            deliveries.append(
                NotificationDelivery(notification=notification, channel=Channel.TELEGRAM)
            )
        if deliveries:
            NotificationDelivery.objects.bulk_create(deliveries)
            ids = [delivery.pk for delivery in deliveries]
            transaction.on_commit(lambda: _queue(ids))
    return notification


def _local_path(url: str) -> bool:
    """A path on this site: what the list links, the API promises and emails prefix with
    SITE_URL. Not "//host" nor "/\\host" (browsers read both as another site)."""
    return url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts=None)


def _telegram_linked(user) -> bool:
    from accounts.models import TelegramLink

    return bool(settings.TELEGRAM_BOT_TOKEN) and TelegramLink.objects.filter(user=user).exists()


def _queue(delivery_ids: list[int]) -> None:
    from ..tasks import deliver_notification

    for delivery_id in delivery_ids:
        deliver_notification.delay(delivery_id=delivery_id)
