"""Sending a notification to the user's linked chat (filled in by the Telegram feature)."""


def telegram_send_notification(delivery) -> None:
    raise NotImplementedError("The Telegram bot is not built yet.")
