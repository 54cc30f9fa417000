"""The daily bonus: one claim per shopper per *local* day, a 7-day cycle of amounts, a
streak that survives one missed day per 30 days (the streak freeze).

The unique (user, bonus_date) decides races: twenty simultaneous claims insert twenty
rows of which the database keeps one; the money and the points move in the same
transaction as that row, under the key `daily-bonus:<user>:<date>`, so a retried request
pays nobody twice.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from config.errors import Conflict
from config.money import money

from ..models import Activity, DailyBonusClaim, DailyBonusDay
from . import tiers
from .bonus_money import DAILY_BONUS, BonusPayment, pay_bonus
from .eligibility import refuse_unless_eligible
from .points import points_award

CYCLE_DAYS = 7
# One missed day is forgiven at most once in this many days.
FREEZE_WINDOW_DAYS = 30


class AlreadyClaimed(Conflict):
    code = "already_claimed"


@dataclass(frozen=True)
class NextClaim:
    streak: int
    day_number: int
    freeze_used: bool


@dataclass(frozen=True)
class CalendarDay:
    day_number: int
    amount: Decimal
    points: int
    state: str  # "claimed", "today" (claimable now) or "upcoming"


@dataclass(frozen=True)
class DailyBonusStatus:
    claimed_today: bool
    streak: int
    next_day_number: int
    next_amount: Decimal
    currency: str
    calendar: list[CalendarDay]


def _day_number(streak: int) -> int:
    return (streak - 1) % CYCLE_DAYS + 1


def _next_claim(user, today: date) -> NextClaim:
    """What a claim on `today` would be: the streak continues from yesterday's claim, or
    over one missed day if no freeze was used in the last 30 days, else restarts."""
    last = (
        DailyBonusClaim.objects.filter(user=user, bonus_date__lt=today)
        .order_by("-bonus_date")
        .values_list("bonus_date", "streak")
        .first()
    )
    if last is None:
        return NextClaim(1, 1, False)
    last_date, last_streak = last
    gap = (today - last_date).days
    if gap == 1:
        return NextClaim(last_streak + 1, _day_number(last_streak + 1), False)
    if gap == 2 and not _freeze_used_since(user, today - timedelta(days=FREEZE_WINDOW_DAYS - 1)):
        return NextClaim(last_streak + 1, _day_number(last_streak + 1), True)
    return NextClaim(1, 1, False)


def _freeze_used_since(user, first_day: date) -> bool:
    return DailyBonusClaim.objects.filter(
        user=user, freeze_used=True, bonus_date__gte=first_day
    ).exists()


def _amounts(day_number: int, multiplier: Decimal) -> tuple[Decimal, int]:
    day = DailyBonusDay.objects.filter(day_number=day_number).values_list("amount", "points")
    amount, points = day.first() or (Decimal("0.00"), 0)
    return money(amount * multiplier), points


def daily_bonus_claim(*, user, now=None) -> DailyBonusClaim:
    """Claim today's bonus on the shopper's own calendar; refuses a second claim that day
    with `already_claimed`."""
    refuse_unless_eligible(user)
    today = user.local_today(now)
    # ">=" and not "==": a shopper who moves their time zone west must not claim the
    # same calendar day again (Tokyo's 2 December, then Los Angeles' 1 December).
    if DailyBonusClaim.objects.filter(user=user, bonus_date__gte=today).exists():
        raise AlreadyClaimed(detail="You have already claimed today's bonus. Come back tomorrow.")
    following = _next_claim(user, today)
    multiplier = tiers.daily_bonus_multiplier(user)
    amount, points = _amounts(following.day_number, multiplier)
    key = f"daily-bonus:{user.pk}:{today.isoformat()}"
    label = f"Daily bonus, day {following.day_number} of {CYCLE_DAYS}"
    try:
        with transaction.atomic():
            claim = DailyBonusClaim.objects.create(
                user=user,
                bonus_date=today,
                day_number=following.day_number,
                amount=amount,
                multiplier=multiplier,
                streak=following.streak,
                freeze_used=following.freeze_used,
                points=points,
                transaction_key=key,
            )
            pay_bonus(
                BonusPayment(
                    user.pk, amount, DAILY_BONUS, key, label, f"daily_bonus:{today.isoformat()}"
                )
            )
            if points:
                points_award(
                    user=user,
                    kind=Activity.Kind.DAILY_BONUS,
                    points=points,
                    idempotency_key=key,
                    reference=f"daily_bonus:{today.isoformat()}",
                    description=label,
                )
    except IntegrityError as exc:
        # Another request of the same shopper inserted today's row first.
        raise AlreadyClaimed(
            detail="You have already claimed today's bonus. Come back tomorrow."
        ) from exc
    return claim


def daily_bonus_status(user, now=None) -> DailyBonusStatus:
    """What the Rewards page and the API show: today's state and the 7-day calendar."""
    now = now or timezone.now()
    today = user.local_today(now)
    claimed = DailyBonusClaim.objects.filter(user=user, bonus_date__gte=today).first()
    if claimed is not None:
        streak = claimed.streak
        current_day = claimed.day_number
        next_day = _day_number(streak + 1)
        claimed_up_to = current_day
    else:
        following = _next_claim(user, today)
        streak = following.streak - 1
        next_day = following.day_number
        claimed_up_to = next_day - 1
    multiplier = tiers.daily_bonus_multiplier(user)
    days = {
        n: (amount, points)
        for n, amount, points in DailyBonusDay.objects.values_list("day_number", "amount", "points")
    }
    calendar = []
    for n in range(1, CYCLE_DAYS + 1):
        amount, points = days.get(n, (Decimal("0.00"), 0))
        if n <= claimed_up_to:
            state = "claimed"
        elif n == next_day and claimed is None:
            state = "today"
        else:
            state = "upcoming"
        calendar.append(CalendarDay(n, money(amount * multiplier), points, state))
    next_amount = money(days.get(next_day, (Decimal("0.00"), 0))[0] * multiplier)
    return DailyBonusStatus(
        claimed_today=claimed is not None,
        streak=streak,
        next_day_number=next_day,
        next_amount=next_amount,
        currency=settings.PLATFORM_CURRENCY,
        calendar=calendar,
    )
