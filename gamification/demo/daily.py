"""Demo daily bonus and bonus code: the 7-day cycle, the demo shopper three days into a
streak (so today is day 4), and WELCOME5. Running it again the same day changes nothing."""

from contextlib import suppress
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import User

from ..models import BonusCode, DailyBonusDay
from ..services.bonus_codes import bonus_code_create
from ..services.daily_bonus import AlreadyClaimed, daily_bonus_claim

DEMO_SHOPPER = "demo@savebucks.test"  # accounts/demo.py
CYCLE = ["0.10", "0.10", "0.20", "0.20", "0.30", "0.30", "1.00"]
POINTS_PER_DAY = 10
STREAK_DAYS = 3


def seed() -> list[str]:
    for number, amount in enumerate(CYCLE, start=1):
        # get_or_create: amounts Finance changed on this database stay as they are.
        DailyBonusDay.objects.get_or_create(
            day_number=number, defaults={"amount": Decimal(amount), "points": POINTS_PER_DAY}
        )
    shopper = User.objects.get(email=DEMO_SHOPPER)
    now = timezone.now()
    for back in range(STREAK_DAYS, 0, -1):
        # Through the service, dated in the past: the postings and points are real. Seeded
        # before (or claimed since): keep what is there.
        with suppress(AlreadyClaimed):
            daily_bonus_claim(user=shopper, now=now - timedelta(days=back))
    if not BonusCode.objects.filter(code="WELCOME5").exists():
        bonus_code_create(
            code="WELCOME5",
            amount="5.00",
            description="Welcome bonus: 5.00 once per shopper",
            actor=User.objects.filter(is_superuser=True).order_by("pk").first(),
        )
    return [
        f"daily    bonus cycle {' / '.join(CYCLE)}; {DEMO_SHOPPER} on a {STREAK_DAYS}-day "
        "streak ending yesterday",
        "codes    WELCOME5 (5.00, unlimited, once per shopper)",
    ]
