"""Money is Decimal, quantized in exactly one place, and parsed strictly in one place.

Amounts carry two decimal places (cents), rates four. Rounding is ROUND_HALF_UP, the rule
shoppers and accountants expect (0.125 → 0.13), not Python's default banker's rounding.
"""

import re
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

from .errors import Refusal

CENT = Decimal("0.01")
RATE_STEP = Decimal("0.0001")

# The shapes of config.fields.MoneyField, RateField and BalanceField, for serializers.
MONEY_FIELD = {"max_digits": 14, "decimal_places": 2}
RATE_FIELD = {"max_digits": 14, "decimal_places": 4}
BALANCE_FIELD = {"max_digits": 20, "decimal_places": 2}

# What a number from outside may look like: ASCII digits and one decimal point. Python's
# Decimal() also reads full-width and Arabic-Indic digits, underscores
# (1_000), surrounding spaces and exponents; a sender that writes those is confused, and
# guessing what it meant is how a 100 becomes 1,000.
_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


class InvalidAmount(Refusal):
    code = "invalid_amount"


class AmountTooLarge(InvalidAmount):
    code = "amount_too_large"


def money(value) -> Decimal:
    """`value` as an amount of money: Decimal, two places, half-up."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def rate(value) -> Decimal:
    return Decimal(value).quantize(RATE_STEP, rounding=ROUND_HALF_UP)


def parse_number(raw, *, field: str | None = None) -> Decimal:
    """A decimal number from outside, written `-?digits(.digits)?` in ASCII, nothing else.
    An int or a Decimal (a JSON number read as Decimal) is taken by its written form;
    floats never (binary fractions are not money)."""
    if isinstance(raw, int | Decimal) and not isinstance(raw, bool):
        raw = str(raw)
    if not isinstance(raw, str) or not _NUMBER.fullmatch(raw):
        shown = repr(raw[:40]) if isinstance(raw, str) else f"a {type(raw).__name__}"
        raise InvalidAmount(
            detail=f"{field + ': ' if field else ''}{shown} is not a number written in "
            "ASCII digits with an optional decimal point, e.g. 10.00.",
            field=field,
        )
    return Decimal(raw)


def check_amount_size(value: Decimal, *, field: str | None = None) -> None:
    """Refuse a single amount (either sign) above MAX_TRANSACTION_AMOUNT."""
    limit = settings.MAX_TRANSACTION_AMOUNT
    if abs(value) > limit:
        raise AmountTooLarge(
            detail=f"{field or 'The amount'} is above the largest we accept ({limit}).",
            field=field,
        )


def parse_amount(
    raw, *, allow_zero: bool = True, allow_negative: bool = False, field: str | None = None
) -> Decimal:
    """Strictly parse an amount of money from outside (a form, a postback, a file): ASCII
    digits, non-negative unless the caller allows it, at most MAX_TRANSACTION_AMOUNT,
    quantized to cents. Raises InvalidAmount (or AmountTooLarge) naming `field`."""
    value = parse_number(raw, field=field)
    name = field or "The amount"
    if value < 0 and not allow_negative:
        raise InvalidAmount(detail=f"{name} must be at least zero.", field=field)
    # Before quantizing: a 40-digit number has more digits than Decimal's context holds.
    check_amount_size(value, field=field)
    value = money(value) + 0  # + 0 turns "-0.00" (Decimal keeps the sign) into 0.00
    if value == 0 and not allow_zero:
        raise InvalidAmount(detail=f"{name} must be more than zero.", field=field)
    return value
