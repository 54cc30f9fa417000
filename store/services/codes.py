"""Voucher and gift-card codes: normalised, digested for lookups, generated for our own
cards. A code is a bearer secret: it is never logged, and only its last four characters
and its digest are kept in clear."""

import hashlib
import hmac
import secrets

from django.conf import settings

# No 0/O, 1/I/L: a gift card typed from an email must not fail on a look-alike.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
GIFT_CARD_GROUPS = 4  # "SBGC-XXXX-XXXX-XXXX-XXXX": 16 characters, about 79 bits


def normalise(code: str) -> str:
    """What two spellings of one code share: case, spaces and dashes do not count."""
    return "".join(code.split()).replace("-", "").upper()


def code_digest(code: str) -> str:
    key = settings.STORE_CODE_DIGEST_KEY.encode()
    return hmac.new(key, normalise(code).encode(), hashlib.sha256).hexdigest()


def last4(code: str) -> str:
    return normalise(code)[-4:]


def gift_card_code_new() -> str:
    groups = ("".join(secrets.choice(ALPHABET) for _ in range(4)) for _ in range(GIFT_CARD_GROUPS))
    return "SBGC-" + "-".join(groups)
