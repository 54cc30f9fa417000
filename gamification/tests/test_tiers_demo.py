"""The tiers demo: three tiers, the demo shopper in one, with points for their cashback."""

import io
from decimal import Decimal as D

import pytest
from django.core.management import call_command

from accounts.models import User
from gamification.models import UserTier, VipTier
from gamification.services.cashback_rewards import cashback_points
from gamification.services.points import points_balance
from gamification.services.tiers import daily_bonus_multiplier
from wallet.models import CashbackEvent

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_tiers_the_shoppers_tier_and_points_and_reseeds_the_same(
    settings, client, django_capture_on_commit_callbacks
):
    settings.DEBUG = True
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=io.StringIO())
    shopper = User.objects.get(email="demo@savebucks.test")
    first = points_balance(shopper)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=io.StringIO())

    assert list(VipTier.objects.values_list("name", "threshold", "topup_percent")) == [
        ("Bronze", D("0.00"), D("0.00")),
        ("Silver", D("100.00"), D("2.00")),
        ("Gold", D("500.00"), D("5.00")),
    ]
    assert UserTier.objects.get(user=shopper).tier.slug == "bronze"
    assert daily_bonus_multiplier(shopper) == D("1.00")
    # 10 points per unit of each confirmed cashback (rounded down), once however often seeded.
    earned = CashbackEvent.objects.filter(user=shopper, status="confirmed")
    expected = sum(cashback_points(e.cashback_amount) for e in earned)
    # And 10 a day for the three days of the demo's daily-bonus streak.
    assert (earned.count(), first) == (3, (expected + 30, expected + 30))
    assert points_balance(shopper) == first
    assert client.login(email=shopper.email, password="demo-pass-123")
    tier = client.get("/api/v1/me/tier/").json()
    assert (tier["tier"]["slug"], tier["next_tier"]["slug"]) == ("bronze", "silver")
    call_command("wallet_audit")
    call_command("gamification_audit")
