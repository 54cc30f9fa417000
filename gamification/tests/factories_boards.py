"""Leaderboard test data; cashback arrives confirmed through the wallet's real services."""

from decimal import Decimal

import factory

from wallet.models import CashbackEvent
from wallet.services.confirmation import cashback_confirm
from wallet.tests.factories import recorded_event

from ..models import Leaderboard

PRIZES_25_15_10 = [
    {"ranks": "1", "amount": "25.00"},
    {"ranks": "2", "amount": "15.00"},
    {"ranks": "3", "amount": "10.00"},
]


class LeaderboardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Leaderboard

    name = factory.Sequence(lambda n: f"Board {n}")
    slug = factory.Sequence(lambda n: f"board-{n}")
    type = Leaderboard.Type.EARNINGS
    frequency = Leaderboard.Frequency.MONTHLY
    prize_table = factory.LazyFunction(lambda: list(PRIZES_25_15_10))


def confirmed_cashback(user, amount: str, confirmed_at) -> CashbackEvent:
    """`amount` of cashback confirmed for `user` at `confirmed_at` (ledger and all)."""
    event = recorded_event(user, cashback=amount)
    assert cashback_confirm(event=event)
    CashbackEvent.objects.filter(pk=event.pk).update(confirmed_at=confirmed_at)
    event.refresh_from_db()
    assert event.cashback_amount == Decimal(amount)
    return event
