"""The two signed tokens of the newsletter, each with a salt of its own so that no other
signed value of the site opens them.

Confirm: names the subscription and its token_nonce, good for
NEWSLETTER_CONFIRM_MAX_AGE_DAYS; a new subscribe request after an unsubscribe moves the
nonce, so a link from before cannot confirm again. Unsubscribe: names the subscription
only and never expires (an old issue's link and its List-Unsubscribe header must keep
working)."""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

from config.errors import Refusal

from ..models import Subscription

CONFIRM_SALT = "cms.newsletter.confirm"
UNSUBSCRIBE_SALT = "cms.newsletter.unsubscribe"


class BadNewsletterToken(Refusal):
    code = "invalid_token"


def confirm_token(subscription: Subscription) -> str:
    return signing.dumps({"s": subscription.pk, "n": subscription.token_nonce}, salt=CONFIRM_SALT)


def confirm_url(subscription: Subscription) -> str:
    return settings.SITE_URL + reverse("cms:newsletter-confirm", args=[confirm_token(subscription)])


def unsubscribe_token(subscription: Subscription) -> str:
    return signing.dumps({"s": subscription.pk}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(subscription: Subscription) -> str:
    return settings.SITE_URL + reverse(
        "cms:newsletter-unsubscribe", args=[unsubscribe_token(subscription)]
    )


def confirm_token_read(token: str) -> tuple[int, str]:
    max_age = timedelta(days=settings.NEWSLETTER_CONFIRM_MAX_AGE_DAYS)
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=max_age)
        return int(data["s"]), str(data["n"])
    except signing.SignatureExpired as exc:
        raise BadNewsletterToken(
            "expired_token", "This confirmation link has expired. Please subscribe again."
        ) from exc
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise BadNewsletterToken(
            detail="This confirmation link is not valid. Please subscribe again."
        ) from exc


def unsubscribe_token_read(token: str) -> int:
    try:
        return int(signing.loads(token, salt=UNSUBSCRIBE_SALT)["s"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise BadNewsletterToken(detail="This unsubscribe link is not valid.") from exc
