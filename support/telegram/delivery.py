"""Sending a notification to the user's linked chat: its title, body and link."""

from django.conf import settings

from accounts.models import TelegramLink
from accounts.services.telegram import telegram_unlink

from .client import send_message
from .errors import TelegramChatGone, TelegramNotLinked


def notification_text(notification) -> str:
    lines = [notification.title]
    if notification.body:
        lines.append(notification.body)
    if notification.url.startswith("/"):
        lines.append(settings.SITE_URL + notification.url)
    return "\n\n".join(lines)


def telegram_send_notification(delivery) -> None:
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
    try:
        send_message(chat_id, notification_text(notification))
    except TelegramChatGone:
        telegram_unlink(chat_id=chat_id, reason="blocked")
        raise
