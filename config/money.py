"""Money is Decimal, quantized in exactly one place.

Amounts carry two decimal places (cents), rates four. Rounding is ROUND_HALF_UP, the rule
shoppers and accountants expect (0.125 → 0.13), not Python's default banker's rounding.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
RATE_STEP = Decimal("0.0001")
# The largest amount a DecimalField(max_digits=14, decimal_places=2) can hold.
MAX_AMOUNT = Decimal("999999999999.99")

MONEY_FIELD = {"max_digits": 14, "decimal_places": 2}
RATE_FIELD = {"max_digits": 9, "decimal_places": 4}


def money(value) -> Decimal:
    """`value` as an amount of money: Decimal, two places, half-up."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def rate(value) -> Decimal:
    return Decimal(value).quantize(RATE_STEP, rounding=ROUND_HALF_UP)


def parse_amount(raw, *, allow_zero: bool = True) -> Decimal:
    """Strictly parse an amount from outside (a form, a postback): finite, non-negative,
    at most two decimal places after quantizing, within the field's range."""
    if isinstance(raw, float):
        raise ValueError("amounts must not be floats")
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(f"{raw!r} is not a number") from exc
    if not value.is_finite():
        raise ValueError(f"{raw!r} is not a finite number")
    if value < 0 or (value == 0 and not allow_zero):
        raise ValueError(f"{raw!r} must be {'at least zero' if allow_zero else 'positive'}")
    # Before quantizing: 1e30 in cents has more digits than Decimal's context holds.
    if value > MAX_AMOUNT:
        raise ValueError(f"{raw!r} is larger than the largest amount we record")
    return money(value)
