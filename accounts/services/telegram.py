"""Linking a shopper's Telegram chat to their account, and what the bot asks of accounts.

The link travels as a one-time token in a t.me deep link: `/start <token>` in the chat
proves the chat belongs to whoever was logged in when the link was made. Only the token's
SHA-256 digest is stored, so a database reader cannot link a chat of theirs; looking a
token up by its digest leaks nothing through timing about other tokens.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from config.errors import Conflict, Refusal, TooManyAttempts

from ..models import TelegramLink, TelegramLinkToken, VerificationRequest
from ..ratelimit import RateLimit
from .audit import audit_log

LINK_TOKEN_LIFETIME = timedelta(minutes=10)
TELEGRAM_LINK_ACCOUNT = RateLimit("telegram_link_account")


class TelegramDisabled(Conflict):
    """The site has no bot configured: nothing to link to (409, a state of the site)."""

    code = "telegram_disabled"


class TelegramLinkInvalid(Refusal):
    code = "link_invalid"


class ChatLinkedElsewhere(Conflict):
    code = "chat_linked_elsewhere"


def telegram_enabled() -> bool:
    """The bot can talk and be talked to: a token, its username and the webhook secret."""
    return bool(
        settings.TELEGRAM_BOT_TOKEN
        and settings.TELEGRAM_BOT_USERNAME
        and settings.TELEGRAM_WEBHOOK_SECRET
    )


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def telegram_link_token_create(user) -> tuple[str, object]:
    """A fresh t.me link for `user` and when it expires. The token itself is not kept."""
    if not telegram_enabled():
        raise TelegramDisabled(detail="Telegram is not set up on this site.")
    if not TELEGRAM_LINK_ACCOUNT.allows(str(user.pk)):
        raise TooManyAttempts("too_many_attempts", TELEGRAM_LINK_ACCOUNT.message("Telegram link"))
    token = secrets.token_urlsafe(32)  # 43 characters of [A-Za-z0-9_-]: Telegram allows 64
    expires_at = timezone.now() + LINK_TOKEN_LIFETIME
    TelegramLinkToken.objects.create(user=user, digest=token_digest(token), expires_at=expires_at)
    return f"https://t.me/{settings.TELEGRAM_BOT_USERNAME}?start={token}", expires_at


def telegram_link_consume(
    token: str, chat_id: int, username: str = "", *, digest: str = ""
) -> TelegramLink:
    """Link `chat_id` to the account that made `token` (or the token whose SHA-256 is
    `digest`: the webhook stores no token in clear). The token is spent by one
    conditional UPDATE: of two concurrent /start with it, one links and one is refused."""
    token = (token or "").strip()
    if not digest and (not token or len(token) > 64):
        raise TelegramLinkInvalid(detail="That link is not valid. Make a new one on your profile.")
    now = timezone.now()
    digest = digest or token_digest(token)
    with transaction.atomic():
        spent = TelegramLinkToken.objects.filter(
            digest=digest, used_at__isnull=True, expires_at__gt=now
        ).update(used_at=now)
        if not spent:
            raise TelegramLinkInvalid(
                detail="That link has expired or was used. Make a new one on your profile."
            )
        token_id, user_id = TelegramLinkToken.objects.values_list("pk", "user_id").get(
            digest=digest
        )
        other = TelegramLink.objects.filter(chat_id=chat_id).exclude(user_id=user_id).first()
        if other is not None:
            # Spending the token is undone with the rest: the owner may use it after /unlink.
            raise ChatLinkedElsewhere(
                detail="This chat is linked to another account. Send /unlink there first."
            )
        try:
            with transaction.atomic():
                # A user who had another chat moves to this one (one link per user).
                link, created = TelegramLink.objects.update_or_create(
                    user_id=user_id,
                    defaults={"chat_id": chat_id, "username": (username or "")[:64]},
                )
        except IntegrityError:  # the chat was linked elsewhere concurrently
            raise ChatLinkedElsewhere(
                detail="This chat is linked to another account. Send /unlink there first."
            ) from None
        audit_log(
            actor=link.user,
            action="telegram.link",
            entity=link,
            metadata={"chat_id": chat_id, "username": link.username, "moved": not created},
        )
        _tell_linked(link, token_id)
    return link


def _tell_linked(link: TelegramLink, token_id: int) -> None:
    from support.models import Category
    from support.services import notify

    name = f"@{link.username}" if link.username else "a Telegram chat"
    notify(
        user=link.user,
        category=Category.SECURITY,
        title="Telegram linked",
        body=f"Your account was linked to {name}. If this was not you, unlink it on your "
        "profile and change your password.",
        url="/accounts/profile/",
        # Each token links once: one notice per linking, however often the task retries.
        key=f"telegram-linked:{token_id}",
    )


def telegram_unlink(*, user=None, chat_id: int | None = None, actor=None, reason: str = "") -> bool:
    """Remove the link of `user` or of `chat_id`; False when there was none."""
    links = TelegramLink.objects.all()
    if user is not None:
        links = links.filter(user=user)
    elif chat_id is not None:
        links = links.filter(chat_id=chat_id)
    else:
        return False
    link = links.first()
    if link is None:
        return False
    deleted, _ = TelegramLink.objects.filter(pk=link.pk).delete()
    if deleted:
        audit_log(
            actor=actor,
            action="telegram.unlink",
            entity=link,
            metadata={"user_id": link.user_id, "chat_id": link.chat_id, "reason": reason},
        )
    return bool(deleted)


def telegram_announcements_set(*, user, enabled: bool) -> None:
    """The shopper's yes or no to announcements on their linked chat."""
    if not TelegramLink.objects.filter(user=user).update(announcements=enabled):
        raise Conflict("not_linked", "No Telegram chat is linked to your account.")


def verification_request_create(*, user, external_uid: str, source: str = "telegram"):
    """ "This partner-platform id is mine": a request for staff. A repeat of a pending
    one returns it (created False) instead of queueing another."""
    uid = (external_uid or "").strip()
    if not uid or len(uid) > 100 or not uid.isprintable() or " " in uid:
        raise Refusal("invalid_uid", "Send your user id on the partner platform, without spaces.")
    pending = VerificationRequest.objects.filter(
        user=user, external_uid=uid, status=VerificationRequest.Status.PENDING
    )
    found = pending.first()
    if found is not None:
        return found, False
    try:
        with transaction.atomic():
            return VerificationRequest.objects.create(
                user=user, external_uid=uid, source=source
            ), True
    except IntegrityError:  # the same request made concurrently
        return pending.get(), False
