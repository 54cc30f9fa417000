"""The bot's side of a conversation: one stored update in, at most one answer out.

An update is claimed by a conditional UPDATE of its processed_at before anything is
said, so a replayed or redelivered task finds it claimed and answers nothing twice. The
price is at-most-once: an answer lost to a Bot API failure is not sent again (the user
can repeat the command).
"""

import logging

from django.conf import settings
from django.utils import timezone

from accounts.models import TelegramLink
from accounts.services.telegram import (
    telegram_link_consume,
    telegram_unlink,
    verification_request_create,
)
from config.errors import Refusal
from wallet.selectors import wallet_summary

from ..models import TelegramUpdate
from .client import send_message
from .errors import TelegramChatGone, TelegramError
from .redact import DIGEST_PREFIX

logger = logging.getLogger(__name__)

HELP = (
    "{site} bot\n\n"
    "/balance - your available and pending cashback\n"
    "/verify <your id> - ask staff to confirm your account on the partner platform\n"
    "/unlink - stop linking this chat to your account\n"
    "/help - this message\n\n"
    "To link this chat, press “Link Telegram” on your profile: {site_url}/accounts/profile/"
)
NOT_LINKED = (
    "This chat is not linked to an account. Link it from your profile: {site_url}/accounts/profile/"
)


def _format(text: str) -> str:
    return text.format(site=settings.SITE_NAME, site_url=settings.SITE_URL)


def update_claim(update_id: int) -> TelegramUpdate | None:
    """Mark the update processed; None when it was already (or does not exist)."""
    claimed = TelegramUpdate.objects.filter(update_id=update_id, processed_at__isnull=True).update(
        processed_at=timezone.now()
    )
    return TelegramUpdate.objects.get(update_id=update_id) if claimed else None


def update_process(update_id: int) -> str | None:
    """Handle one stored update; the answer sent, if any."""
    update = update_claim(update_id)
    if update is None:
        return None
    message = update.payload.get("message")
    if not isinstance(message, dict):
        return None  # not a message (an edit, a callback…): recorded, nothing to say
    chat = message.get("chat") if isinstance(message.get("chat"), dict) else {}
    chat_id, text = chat.get("id"), message.get("text")
    if type(chat_id) is not int or not isinstance(text, str):
        return None  # a photo, a sticker: nothing we understand
    if chat.get("type", "private") != "private":
        answer = "Please talk to me in a private chat."
    else:
        sender = message.get("from") if isinstance(message.get("from"), dict) else {}
        username = sender.get("username") if isinstance(sender.get("username"), str) else ""
        answer = command_answer(text, chat_id, username)
    try:
        send_message(chat_id, answer)
    except TelegramChatGone:
        telegram_unlink(chat_id=chat_id, reason="blocked")
        return None
    except TelegramError as exc:
        logger.warning("Telegram answer to update %s not sent: %s", update_id, exc)
        return None
    return answer


def command_answer(text: str, chat_id: int, username: str) -> str:
    """The answer to one message: every command gets one, anything else gets help."""
    words = text.strip().split()
    command = words[0].split("@", 1)[0].lower() if words else ""
    argument = words[1] if len(words) > 1 else ""
    if command == "/start" and argument:
        return _start(argument, chat_id, username)
    if command == "/unlink":
        if telegram_unlink(chat_id=chat_id, reason="unlink command"):
            return "Unlinked. This chat gets nothing from your account any more."
        return _format(NOT_LINKED)
    link = TelegramLink.objects.select_related("user").filter(chat_id=chat_id).first()
    if command == "/balance":
        return _balance(link) if link else _format(NOT_LINKED)
    if command == "/verify":
        return _verify(link, argument) if link else _format(NOT_LINKED)
    return _format(HELP)


def _start(token: str, chat_id: int, username: str) -> str:
    digest = token.removeprefix(DIGEST_PREFIX) if token.startswith(DIGEST_PREFIX) else ""
    try:
        link = telegram_link_consume("" if digest else token, chat_id, username, digest=digest)
    except Refusal as refused:
        return refused.detail
    return (
        f"Linked to your {settings.SITE_NAME} account ({_masked(link.user.email)}). "
        "Send /help to see what I can do."
    )


def _masked(email: str) -> str:
    name, _, domain = email.partition("@")
    return f"{name[:1]}***@{domain}"


def _balance(link: TelegramLink) -> str:
    summary = wallet_summary(user=link.user)
    return (
        f"Available: {summary.available} {summary.currency}\n"
        f"Pending: {summary.pending} {summary.currency}"
    )


def _verify(link: TelegramLink, uid: str) -> str:
    if not uid:
        return "Send /verify followed by your user id on the partner platform."
    try:
        request, created = verification_request_create(user=link.user, external_uid=uid)
    except Refusal as refused:
        return refused.detail
    if not created:
        return f"You already asked to verify {request.external_uid}: staff will check it."
    return f"Thanks! Staff will check that {request.external_uid} is yours and tell you."
