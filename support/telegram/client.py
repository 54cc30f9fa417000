"""The Bot API, as little of it as the bot needs: a JSON POST to
TELEGRAM_API_BASE/bot<token>/<method>, its answer read up to a size cap.

The token is part of every URL, so neither URLs nor the underlying exceptions (whose text
holds the URL) ever reach an error message or a log line: errors say which method failed
and why, in our words.
"""

import json
import logging

import requests
from django.conf import settings

from .errors import TelegramChatGone, TelegramError, TelegramRetryAfter

logger = logging.getLogger(__name__)


class _TokenRedacted(logging.Filter):
    """urllib3 logs every request line at DEBUG, path included: /bot<token>/… ."""

    def filter(self, record: logging.LogRecord) -> bool:
        token = settings.TELEGRAM_BOT_TOKEN
        if token:
            message = record.getMessage()
            if token in message:
                record.msg, record.args = message.replace(token, "<token>"), ()
        return True


logging.getLogger("urllib3.connectionpool").addFilter(_TokenRedacted())

# Bot API answers are small (a sent message, true); anything bigger is not the Bot API.
MAX_RESPONSE_BYTES = 256 * 1024


def _read_capped(response) -> bytes:
    body = b""
    for chunk in response.iter_content(chunk_size=16 * 1024):
        body += chunk
        if len(body) > MAX_RESPONSE_BYTES:
            raise TelegramError("The Bot API answer was too large.")
    return body


def bot_call(method: str, payload: dict) -> dict | bool | list:
    """Call `method` with `payload`; its `result`, or one of support.telegram.errors."""
    token = settings.TELEGRAM_BOT_TOKEN
    if not token:
        raise TelegramError("The Telegram bot is not configured.")
    url = f"{settings.TELEGRAM_API_BASE.rstrip('/')}/bot{token}/{method}"
    try:
        with requests.post(
            url, json=payload, timeout=settings.TELEGRAM_TIMEOUT, stream=True
        ) as response:
            status = response.status_code
            raw = _read_capped(response)
    except requests.RequestException as exc:
        # The exception's text holds the URL, hence the token: only its class is kept.
        logger.warning("Telegram %s failed: %s", method, type(exc).__name__)
        raise TelegramError(f"Telegram {method}: could not reach the Bot API.") from None
    try:
        answer = json.loads(raw)
    except ValueError:
        answer = {}
    if not isinstance(answer, dict):
        answer = {}
    if status == 200 and answer.get("ok") is True:
        return answer.get("result")
    description = str(answer.get("description") or "")[:200]
    logger.warning("Telegram %s answered %s: %s", method, status, description)
    if status == 429:
        parameters = answer.get("parameters") if isinstance(answer.get("parameters"), dict) else {}
        retry_after = parameters.get("retry_after", 1)
        raise TelegramRetryAfter(retry_after if isinstance(retry_after, int) else 1)
    if status == 403 or "chat not found" in description.lower():
        raise TelegramChatGone(f"Telegram {method}: {status} {description}".strip())
    raise TelegramError(f"Telegram {method}: {status} {description}".strip())


def send_message(chat_id: int, text: str) -> None:
    """One plain-text message (Telegram's limit is 4096 characters)."""
    bot_call(
        "sendMessage",
        {"chat_id": chat_id, "text": text[:4096], "link_preview_options": {"is_disabled": True}},
    )
