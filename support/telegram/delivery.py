"""Sending a notification to the user's linked chat: its title, body and link."""

import time
from collections.abc import Callable

from django.conf import settings

from accounts.models import TelegramLink
from accounts.services.telegram import telegram_unlink

from .client import send_message
from .errors import TelegramChatGone, TelegramNotLinked, TelegramRetryAfter

# A short 429 wait is spent in the task (then the same message again); a longer one goes
# up as TelegramRetryAfter for the delivery task to retry later without holding a worker.
MAX_INLINE_WAIT = 10


def notification_text(notification) -> str:
    lines = [notification.title]
    if notification.body:
        lines.append(notification.body)
    if notification.url.startswith("/"):
        lines.append(settings.SITE_URL + notification.url)
    return "\n\n".join(lines)


def telegram_send_notification(delivery, *, sleep: Callable[[float], None] = time.sleep) -> None:
    """Send `delivery` (a NotificationDelivery on the Telegram channel). A chat that
    blocked the bot is unlinked before the error goes up: nothing is sent there again."""
    notification = delivery.notification
    chat_id = (
        TelegramLink.objects.filter(user_id=notification.user_id)
        .values_list("chat_id", flat=True)
        .first()
    )
    if chat_id is None:
        raise TelegramNotLinked("The user has no linked Telegram chat.")
    text = notification_text(notification)
    try:
        try:
            send_message(chat_id, text)
        except TelegramRetryAfter as exc:
            if exc.retry_after > MAX_INLINE_WAIT:
                raise
            sleep(exc.retry_after)  # exactly what Telegram asked for, then once more
            send_message(chat_id, text)
    except TelegramChatGone:
        telegram_unlink(chat_id=chat_id, reason="blocked")
        raise
