"""Signed, expiring email-verification links. Nothing is stored: the signature is the proof.

The payload names the address being verified, so a link sent before an email change
cannot verify the new address.
"""

from django.conf import settings
from django.core import signing

from .refusals import AccountRefused

SALT = "accounts.email-verification"


def email_verification_token(user) -> str:
    return signing.dumps({"u": user.pk, "e": user.email}, salt=SALT)


def read_email_verification_token(token: str) -> tuple[int, str]:
    """(user id, email) from a valid token, or AccountRefused with code expired/invalid."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=settings.EMAIL_VERIFICATION_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise AccountRefused(
            "expired", "This verification link has expired. Log in and ask for a new one."
        ) from exc
    except signing.BadSignature as exc:
        raise AccountRefused(
            "invalid", "This verification link is not valid. Check that you copied all of it."
        ) from exc
    if not isinstance(payload, dict) or not {"u", "e"} <= payload.keys():
        raise AccountRefused("invalid", "This verification link is not valid.")
    return payload["u"], payload["e"]
