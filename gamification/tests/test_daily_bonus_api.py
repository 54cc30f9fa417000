from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.tests.factories import UnverifiedUserFactory, UserFactory
from gamification.models import BonusCodeRedemption, DailyBonusClaim
from gamification.services.bonus_money import BONUS_CODE, DAILY_BONUS
from wallet.tests.factories import balances

from .factories_daily import BonusCodeFactory, bonus_days, bonus_postings

pytestmark = pytest.mark.django_db

D = Decimal
STATUS = reverse("api-me-daily-bonus")
CLAIM = reverse("api-me-daily-bonus-claim")
REDEEM = reverse("api-me-bonus-code-redeem")


def _api(user=None):
    api = APIClient()
    if user is not None:
        api.force_authenticate(user)
    return api


def test_status_claim_and_a_second_claim():
    bonus_days()
    user = UserFactory()
    api = _api(user)

    before = api.get(STATUS)
    claimed = api.post(CLAIM)
    again = api.post(CLAIM)
    after = api.get(STATUS)

    assert before.json() == {
        "claimed_today": False,
        "streak": 0,
        "next_day_number": 1,
        "next_amount": "0.10",
        "currency": "USD",
    }
    assert claimed.status_code == 201
    assert claimed.json() == {"day_number": 1, "amount": "0.10", "streak": 1, "currency": "USD"}
    assert again.status_code == 409
    assert again.json()["code"] == "already_claimed"
    assert again.json()["detail"]
    assert after.json() == {
        "claimed_today": True,
        "streak": 1,
        "next_day_number": 2,
        "next_amount": "0.10",
        "currency": "USD",
    }
    assert balances(user)["available"] == D("0.10")
    assert len(bonus_postings(DAILY_BONUS)) == 1


def test_an_unverified_shopper_cannot_claim():
    bonus_days()
    user = UnverifiedUserFactory()

    response = _api(user).post(CLAIM)

    assert response.status_code == 403
    assert response.json()["code"] == "email_unverified"
    assert DailyBonusClaim.objects.count() == 0
    assert balances(user)["available"] == D("0.00")


@pytest.mark.parametrize("url", [STATUS, CLAIM, REDEEM])
def test_anonymous_callers_are_refused(url):
    response = _api().post(url) if url != STATUS else _api().get(url)
    assert response.status_code == 403
    assert response.json()["code"] == "not_authenticated"


def test_redeem_a_code_then_again():
    BonusCodeFactory(code="WELCOME5", amount=D("5.00"))
    user = UserFactory()
    api = _api(user)

    first = api.post(REDEEM, {"code": "welcome5"}, format="json")
    second = api.post(REDEEM, {"code": "WELCOME5"}, format="json")

    assert (first.status_code, first.json()) == (201, {"amount": "5.00", "currency": "USD"})
    assert (second.status_code, second.json()["code"]) == (409, "already_redeemed")
    assert balances(user)["available"] == D("5.00")
    assert len(bonus_postings(BONUS_CODE)) == 1


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ({"code": "NOPE"}, 404, "unknown_code"),
        ({"code": "OLD"}, 400, "code_expired"),
        ({"code": "FULL"}, 409, "code_exhausted"),
        ({}, 400, "required"),
        ({"code": "x" * 41}, 400, "max_length"),
        ({"code": ["WELCOME5"]}, 400, "invalid"),
    ],
)
def test_redeem_refusals(payload, status, code):
    BonusCodeFactory(code="OLD", expires_at=timezone.now() - timedelta(days=1))
    BonusCodeFactory(code="FULL", max_uses=2, uses_count=2)
    user = UserFactory()

    response = _api(user).post(REDEEM, payload, format="json")

    assert response.status_code == status, response.json()
    assert response.json()["code"] == code
    assert BonusCodeRedemption.objects.count() == 0
    assert balances(user)["available"] == D("0.00")


def test_redeem_is_throttled_after_ten_attempts():
    BonusCodeFactory(code="REAL")
    api = _api(UserFactory())
    codes = [api.post(REDEEM, {"code": f"GUESS{i}"}, format="json").status_code for i in range(10)]

    throttled = api.post(REDEEM, {"code": "REAL"}, format="json")

    assert codes == [404] * 10
    assert (throttled.status_code, throttled.json()["code"]) == (429, "too_many_attempts")
    assert BonusCodeRedemption.objects.count() == 0
