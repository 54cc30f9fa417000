"""Model fields shared by every app."""

import functools
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

from .money import BALANCE_FIELD, MONEY_FIELD, RATE_FIELD


@functools.lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS must be Fernet keys (32 url-safe base64-encoded bytes)."
        ) from exc


def _keys() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(value: str) -> str:
    """Encrypt with the first (newest) key."""
    return _keys().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _keys().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        # Never hand back ciphertext as if it were the value.
        raise ImproperlyConfigured(
            "An encrypted value could not be decrypted: was its key removed from "
            "FIELD_ENCRYPTION_KEYS?"
        ) from exc


def mask(value: str | None, visible: int = 4) -> str:
    """Show only the last `visible` characters: how secrets appear in admin and API."""
    if not value:
        return ""
    tail = value[-visible:] if len(value) > visible else ""
    return "•" * 4 + tail


def masked_url(url: str) -> str:
    """A URL without its query values: a partner's postback URL often carries its own
    tracker's credentials, which staff need not read. Macros ({click_id}…) stay visible."""
    parts = urlsplit(url)
    query = "&".join(
        f"{name}={value if value.startswith('{') else '•••'}"
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
    )
    return urlunsplit(parts._replace(query=query))


class EncryptedTextField(models.TextField):
    """Text stored encrypted (Fernet, AES-128-CBC + HMAC) and decrypted on load.

    The ciphertext differs on every write, so the column cannot be searched or compared:
    only `isnull` lookups are allowed.
    """

    description = "Text encrypted at rest with FIELD_ENCRYPTION_KEYS"

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_lookup(self, lookup_name):
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)


class MoneyField(models.DecimalField):
    """An amount of money: 14 digits, 2 places (cents). Migrations see a plain
    DecimalField, so adopting it changed no schema. Staff forms read it strictly (ASCII
    digits only, config.money.parse_number), like every other money input."""

    shape = MONEY_FIELD

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **{**self.shape, **kwargs})

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DecimalField", args, kwargs

    def formfield(self, **kwargs):
        from .money_fields import StrictDecimalFormField

        return super().formfield(**{"form_class": StrictDecimalFormField, **kwargs})


class BalanceField(MoneyField):
    """A running balance: it adds up many amounts, each at most MAX_TRANSACTION_AMOUNT;
    twenty digits hold a million of the largest, so no sum of allowed amounts overflows."""

    shape = BALANCE_FIELD


class RateField(MoneyField):
    """A rate: a percentage, or a fixed amount per sale, to 4 places."""

    shape = RATE_FIELD
