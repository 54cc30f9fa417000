"""One-click unsubscribe (RFC 8058): a signed token naming the user and the category,
the only authority the unsubscribe URL needs (no login: the click comes from a mail
client). Signed with a salt of its own, so no other signed value of the site opens it;
it does not expire (an old newsletter's link must still work)."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from accounts.models import User
from config.errors import Refusal

from ..models import Category, Channel
from .preferences import LOCKED, preferences_update

SALT = "support.unsubscribe"


class BadUnsubscribeToken(Refusal):
    code = "invalid_token"


def unsubscribe_token(user, category: str) -> str:
    return signing.dumps({"u": user.pk, "c": category}, salt=SALT, compress=True)


def unsubscribe_url(user, category: str) -> str:
    return settings.SITE_URL + reverse(
        "support:unsubscribe", args=[unsubscribe_token(user, category)]
    )


def unsubscribe_read(token: str) -> tuple[User, str]:
    """The user and category a token names, or BadUnsubscribeToken (tampered, foreign,
    a deleted user, a category that cannot be switched off by email)."""
    try:
        data = signing.loads(token, salt=SALT)
        user_id, category = int(data["u"]), str(data["c"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise BadUnsubscribeToken(detail="This unsubscribe link is not valid.") from exc
    if category not in Category.values or (category, Channel.EMAIL) in LOCKED:
        raise BadUnsubscribeToken(detail="This unsubscribe link is not valid.")
    user = User.objects.filter(pk=user_id, deleted_at__isnull=True).first()
    if user is None:
        raise BadUnsubscribeToken(detail="This unsubscribe link is not valid.")
    return user, category


def unsubscribe(token: str) -> tuple[User, str]:
    """Switch the token's category off by email; the same answer whatever was before."""
    user, category = unsubscribe_read(token)
    preferences_update(user, {category: {Channel.EMAIL: False}})
    return user, category
