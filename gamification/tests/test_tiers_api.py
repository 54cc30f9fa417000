"""/api/v1/me/points/, /api/v1/me/points/redeem/ and /api/v1/me/tier/."""

from decimal import Decimal as D

import pytest

from accounts.tests.factories import StaffFactory, UnverifiedUserFactory, UserFactory
from config.testing import data_statements
from gamification.services.points import points_award, points_balance, points_correct
from gamification.tests.factories_tiers import demo_tiers, hold_tier
from wallet.services.confirmation import cashback_confirm
from wallet.tests.factories import balances, recorded_event

pytestmark = pytest.mark.django_db


def earn(user, points: int, key: str = "earn"):
    points_award(user=user, kind="cashback", points=points, idempotency_key=f"{user.pk}:{key}")


def test_points_shows_balance_lifetime_and_recent_rows_with_staff_unnamed(client):
    user, staff = UserFactory(), StaffFactory(email="alice@savebucks.test")
    for n in range(25):
        earn(user, 10, key=str(n))
    points_correct(
        user=user, points=-30, reason="Duplicate award", actor=staff, idempotency_key="fix"
    )
    earn(UserFactory(), 999)  # someone else's
    client.force_login(user)

    body = client.get("/api/v1/me/points/").json()

    assert (body["balance"], body["lifetime"]) == (220, 250)
    assert len(body["activities"]) == 20
    correction = body["activities"][0]
    assert {k: correction[k] for k in ("kind", "points", "reason", "actor")} == {
        "kind": "correction",
        "points": -30,
        "reason": "Duplicate award",
        "actor": "SaveBucks staff",
    }
    assert "alice" not in str(body)
    assert body["activities"][1]["actor"] == ""


def test_points_and_tier_cost_the_same_statements_for_few_rows_and_many(client):
    demo_tiers()
    user = UserFactory()
    client.force_login(user)
    client.get("/api/v1/me/points/")  # the session is loaded and cached

    def costs():
        with data_statements() as points:
            client.get("/api/v1/me/points/")
        with data_statements() as tier:
            client.get("/api/v1/me/tier/")
        return points, tier

    earn(user, 10, key="only")
    few = costs()
    for n in range(30):
        earn(user, 10, key=str(n))
    assert costs() == few


def test_a_shopper_who_never_earned_has_zeros(client):
    client.force_login(UserFactory())
    assert client.get("/api/v1/me/points/").json() == {
        "balance": 0,
        "lifetime": 0,
        "activities": [],
    }


def test_redeem_answers_201_and_a_retry_of_the_key_the_same(client):
    user = UserFactory()
    earn(user, 3000)
    client.force_login(user)
    payload = {"points": 2000, "idempotency_key": "tab-1"}

    first = client.post("/api/v1/me/points/redeem/", payload, content_type="application/json")
    again = client.post("/api/v1/me/points/redeem/", payload, content_type="application/json")

    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json() == again.json() == {"points": 2000, "amount": "2.00", "currency": "USD"}
    assert points_balance(user) == (1000, 3000)
    assert balances(user)["available"] == D("2.00")


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ({"points": 500, "idempotency_key": "k"}, 400, "below_minimum"),
        ({"points": 5000, "idempotency_key": "k"}, 409, "insufficient_points"),
        ({"points": "lots", "idempotency_key": "k"}, 400, "invalid"),
        ({"points": 10**12, "idempotency_key": "k"}, 400, "max_value"),
        ({"points": 1000, "idempotency_key": "k" * 65}, 400, "max_length"),
        ({"points": 1000}, 400, "required"),
    ],
)
def test_redeem_refusals_say_why_and_change_nothing(client, payload, status, code):
    user = UserFactory()
    earn(user, 3000)
    client.force_login(user)
    answer = client.post("/api/v1/me/points/redeem/", payload, content_type="application/json")
    assert answer.status_code == status
    assert answer.json()["code"] == code
    assert points_balance(user) == (3000, 3000)
    assert balances(user)["available"] == D("0.00")


def test_redeem_refuses_an_unverified_email_and_strangers(client):
    user = UnverifiedUserFactory()
    earn(user, 3000)
    payload = {"points": 1000, "idempotency_key": "k"}
    anonymous = client.post("/api/v1/me/points/redeem/", payload, content_type="application/json")
    client.force_login(user)
    answer = client.post("/api/v1/me/points/redeem/", payload, content_type="application/json")
    assert anonymous.status_code in (401, 403)
    assert (answer.status_code, answer.json()["code"]) == (403, "email_unverified")
    assert points_balance(user) == (3000, 3000)


def test_tier_shows_the_current_and_next_tier_with_live_progress(client):
    _, silver, _ = demo_tiers()
    user = UserFactory()
    hold_tier(user, silver)
    cashback_confirm(event=recorded_event(user, cashback="180.50"))
    client.force_login(user)

    body = client.get("/api/v1/me/tier/").json()

    assert body == {
        "tier": {
            "name": "Silver",
            "slug": "silver",
            "threshold": "100.00",
            "topup_percent": "2.00",
            "daily_bonus_multiplier": "1.50",
        },
        "next_tier": {
            "name": "Gold",
            "slug": "gold",
            "threshold": "500.00",
            "topup_percent": "5.00",
            "daily_bonus_multiplier": "2.00",
        },
        "progress": "180.50",
        "next_threshold": "500.00",
    }


def test_tier_of_a_shopper_without_one_and_of_the_top_tier(client):
    _, _, gold = demo_tiers()
    plain, top = UserFactory(), UserFactory()
    hold_tier(top, gold)
    client.force_login(plain)
    plain_body = client.get("/api/v1/me/tier/").json()
    client.force_login(top)
    top_body = client.get("/api/v1/me/tier/").json()
    assert (plain_body["tier"], plain_body["next_tier"]["slug"], plain_body["progress"]) == (
        None,
        "bronze",
        "0.00",
    )
    assert (top_body["tier"]["slug"], top_body["next_tier"], top_body["next_threshold"]) == (
        "gold",
        None,
        None,
    )
