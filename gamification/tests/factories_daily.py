"""Daily bonus and bonus code test data. Money reaches shoppers only through the services."""

from decimal import Decimal

import factory

from gamification.models import BonusCode, DailyBonusDay
from wallet.models import Transaction

# The cycle: what the demo seeds too.
CYCLE = ("0.10", "0.10", "0.20", "0.20", "0.30", "0.30", "1.00")


def bonus_days(amounts=CYCLE, points: int = 10) -> list[DailyBonusDay]:
    return [
        DailyBonusDay.objects.create(day_number=n, amount=Decimal(amount), points=points)
        for n, amount in enumerate(amounts, start=1)
    ]


class BonusCodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BonusCode

    code = factory.Sequence(lambda n: f"CODE{n:04d}")
    amount = Decimal("5.00")
    max_uses = 0


def bonus_postings(kind: str) -> list[tuple[str, Decimal]]:
    """(idempotency key, amount) of every ledger transaction of `kind`, oldest first."""
    return [
        (t.idempotency_key, t.entries.filter(amount__gt=0).get().amount)
        for t in Transaction.objects.filter(kind=kind).order_by("pk")
    ]
