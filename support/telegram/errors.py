"""What sending through the Bot API can fail with, for the callers that must react:
the notification delivery task (retry later, or give up quietly) and the broadcast."""


class TelegramError(Exception):
    """The Bot API refused or could not be reached. The message never holds the bot
    token (it is part of every Bot API URL, so URLs are never put in errors or logs)."""


class TelegramRetryAfter(TelegramError):
    """429 Too Many Requests: try again after `retry_after` seconds, as Telegram says."""

    def __init__(self, retry_after: int):
        self.retry_after = max(1, int(retry_after))
        super().__init__(f"Telegram asked us to wait {self.retry_after} s")


class TelegramChatGone(TelegramError):
    """403 (the user blocked the bot) or a chat that no longer exists: the link is removed
    and nothing is retried."""


class TelegramNotLinked(TelegramError):
    """The user has no linked chat (unlinked after the notice was queued): nothing to send."""
