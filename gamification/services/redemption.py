"""Points into cash: a negative Activity and a payment from bonus expense, in one
transaction, under the shopper's own key (a double click redeems once)."""

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.conf import settings
from django.db import transaction

from config.errors import Forbidden, Refusal
from config.money import CENT

from ..models import Activity
from . import bonus_money
from .points import points_award

MAX_KEY_LENGTH = 64


@dataclass(frozen=True)
class Redemption:
    points: int
    amount: Decimal
    currency: str
    created: bool


def points_value(points: int) -> Decimal:
    """What `points` are worth at POINTS_PER_CURRENCY_UNIT, rounded down to the cent."""
    return (Decimal(points) / settings.POINTS_PER_CURRENCY_UNIT).quantize(CENT, ROUND_DOWN)


def points_redeem(*, user, points: int, idempotency_key: str) -> Redemption:
    """Spend `points` of `user` for their cash value. The same key again returns the first
    redemption and moves nothing; concurrent redemptions never take the balance below
    zero (the balance UPDATE is conditional)."""
    if not user.email_verified:
        raise Forbidden("email_unverified", "Verify your email address before you redeem points.")
    if not isinstance(points, int) or isinstance(points, bool) or points <= 0:
        raise Refusal("invalid", "Points must be a positive whole number.", "points")
    key = idempotency_key.strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        raise Refusal(
            "invalid", f"idempotency_key: 1 to {MAX_KEY_LENGTH} characters.", "idempotency_key"
        )
    if points < settings.POINTS_REDEEM_MINIMUM:
        raise Refusal(
            "below_minimum",
            f"Redeem at least {settings.POINTS_REDEEM_MINIMUM} points at a time.",
            "points",
        )
    amount = points_value(points)
    # Scoped to the shopper: another shopper's key must neither collide nor replay theirs.
    scoped = f"points-redeem:{user.pk}:{key}"
    with transaction.atomic():
        award = points_award(
            user=user,
            kind=Activity.Kind.REDEMPTION,
            points=-points,
            idempotency_key=scoped,
            description=f"Redeemed for {settings.PLATFORM_CURRENCY} {amount}",
            metadata={"amount": str(amount)},
        )
        if not award.created:
            first = award.activity
            return Redemption(
                -first.points,
                Decimal(first.metadata["amount"]),
                settings.PLATFORM_CURRENCY,
                created=False,
            )
        bonus_money.pay_bonus(
            bonus_money.BonusPayment(
                user_id=user.pk,
                amount=amount,
                kind=bonus_money.POINTS_REDEEMED,
                idempotency_key=scoped,
                memo=f"{points} points redeemed",
                reference=f"points_activity:{award.activity.pk}",
            )
        )
    return Redemption(points, amount, settings.PLATFORM_CURRENCY, created=True)
