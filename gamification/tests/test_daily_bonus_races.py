"""Real threads on PostgreSQL: the unique (user, bonus_date) and the conditional use
count decide, not a check made before the insert."""

from decimal import Decimal

import pytest

from accounts.tests.factories import UserFactory
from config.testing import race
from gamification.models import BonusCode, BonusCodeRedemption, DailyBonusClaim
from gamification.services.bonus_codes import CodeExhausted, bonus_code_redeem
from gamification.services.bonus_money import BONUS_CODE, DAILY_BONUS
from gamification.services.daily_bonus import AlreadyClaimed, daily_bonus_claim
from gamification.services.points import points_balance
from wallet.services.audit import wallet_audit
from wallet.tests.factories import balances

from .factories_daily import BonusCodeFactory, bonus_days, bonus_postings

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

D = Decimal


def test_twenty_simultaneous_claims_by_one_shopper_pay_exactly_once():
    bonus_days()
    user = UserFactory(time_zone="UTC")

    results = race(20, lambda i: daily_bonus_claim(user=user))

    claims = [r for r in results if isinstance(r, DailyBonusClaim)]
    refused = [r for r in results if isinstance(r, AlreadyClaimed)]
    assert (len(claims), len(refused)) == (1, 19), [r for r in results if isinstance(r, Exception)]
    assert DailyBonusClaim.objects.filter(user=user).count() == 1
    assert len(bonus_postings(DAILY_BONUS)) == 1
    assert balances(user)["available"] == D("0.10")
    assert points_balance(user) == (10, 10)
    assert wallet_audit() == []


def test_a_code_limited_to_three_uses_redeemed_by_ten_shoppers_at_once_pays_three():
    code = BonusCodeFactory(code="LIMITED3", amount=D("2.50"), max_uses=3)
    shoppers = [UserFactory() for _ in range(10)]

    results = race(10, lambda i: bonus_code_redeem(user=shoppers[i], code="limited3"))

    redeemed = [r for r in results if isinstance(r, BonusCodeRedemption)]
    exhausted = [r for r in results if isinstance(r, CodeExhausted)]
    assert (len(redeemed), len(exhausted)) == (3, 7), [
        r for r in results if isinstance(r, Exception)
    ]
    assert BonusCodeRedemption.objects.count() == 3
    assert len(bonus_postings(BONUS_CODE)) == 3
    assert BonusCode.objects.get(pk=code.pk).uses_count == 3
    paid = sorted(balances(s)["available"] for s in shoppers)
    assert paid == [D("0.00")] * 7 + [D("2.50")] * 3
    assert wallet_audit() == []
