"""The acceptance lines of the daily bonus and WELCOME5, on the demo data."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import User
from gamification.models import Activity, BonusCodeRedemption, DailyBonusClaim, DailyBonusDay
from wallet.models import Transaction
from wallet.services.audit import wallet_audit
from wallet.tests.factories import balances

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def shopper(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    return User.objects.get(email="demo@savebucks.test")


def _api(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_the_demo_cycle_and_a_three_day_streak_ending_yesterday(shopper):
    assert list(DailyBonusDay.objects.values_list("amount", flat=True)) == [
        D("0.10"),
        D("0.10"),
        D("0.20"),
        D("0.20"),
        D("0.30"),
        D("0.30"),
        D("1.00"),
    ]
    today = shopper.local_today()
    claims = DailyBonusClaim.objects.filter(user=shopper).order_by("bonus_date")
    assert [(c.bonus_date, c.day_number, c.streak) for c in claims] == [
        (today - timedelta(days=3), 1, 1),
        (today - timedelta(days=2), 2, 2),
        (today - timedelta(days=1), 3, 3),
    ]
    # Other features' demos may award the shopper points too: count the daily ones.
    assert list(
        Activity.objects.filter(user=shopper, kind="daily_bonus").values_list("points", flat=True)
    ) == [10, 10, 10]
    assert wallet_audit() == []


def test_the_shopper_claims_day_four_once_and_welcome5_once(shopper):
    api = _api(shopper)
    before = balances(shopper)["available"]

    claimed = api.post(reverse("api-me-daily-bonus-claim"))
    again = api.post(reverse("api-me-daily-bonus-claim"))

    assert claimed.status_code == 201, claimed.json()
    assert claimed.json() == {"day_number": 4, "amount": "0.20", "streak": 4, "currency": "USD"}
    assert (again.status_code, again.json()["code"]) == (409, "already_claimed")
    assert balances(shopper)["available"] == before + D("0.20")

    code = api.post(reverse("api-me-bonus-code-redeem"), {"code": "WELCOME5"}, format="json")
    twice = api.post(reverse("api-me-bonus-code-redeem"), {"code": "welcome5"}, format="json")

    assert (code.status_code, code.json()) == (201, {"amount": "5.00", "currency": "USD"})
    assert (twice.status_code, twice.json()["code"]) == (409, "already_redeemed")
    assert balances(shopper)["available"] == before + D("5.20")
    assert wallet_audit() == []


def test_the_rewards_page_claim_on_the_demo(shopper, client):
    assert client.login(email="demo@savebucks.test", password="demo-pass-123")
    before = balances(shopper)["available"]

    page = client.get(reverse("gamification:rewards")).content.decode()
    client.post(reverse("gamification:daily-bonus-claim"))

    assert "Claim day 4: USD 0.20" in page
    assert "Streak: 3 days" in page
    assert balances(shopper)["available"] == before + D("0.20")


def test_seeding_again_changes_nothing(shopper, settings):
    counts = (
        DailyBonusClaim.objects.count(),
        DailyBonusDay.objects.count(),
        BonusCodeRedemption.objects.count(),
        Transaction.objects.count(),
        balances(shopper)["available"],
    )

    call_command("seed_demo", stdout=io.StringIO())

    assert (
        DailyBonusClaim.objects.count(),
        DailyBonusDay.objects.count(),
        BonusCodeRedemption.objects.count(),
        Transaction.objects.count(),
        balances(shopper)["available"],
    ) == counts
