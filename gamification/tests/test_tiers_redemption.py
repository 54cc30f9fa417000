"""Points into cash: exact amounts, once per key, never beyond the balance."""

from decimal import Decimal as D

import pytest
from django.core.management import call_command
from django.test import override_settings

from accounts.tests.factories import UnverifiedUserFactory, UserFactory
from config.errors import Refusal
from config.testing import race
from gamification.models import Activity
from gamification.services.bonus_money import POINTS_REDEEMED
from gamification.services.points import NotEnoughPoints, points_award, points_balance
from gamification.services.redemption import points_redeem
from wallet.models import Transaction
from wallet.tests.factories import balances

pytestmark = pytest.mark.django_db


def with_points(points: int, user=None):
    user = user or UserFactory()
    points_award(user=user, kind="cashback", points=points, idempotency_key=f"earn:{user.pk}")
    return user


def test_redeeming_spends_points_and_pays_their_value_once_per_key():
    user = with_points(5000)
    first = points_redeem(user=user, points=2500, idempotency_key="click-1")
    again = points_redeem(user=user, points=2500, idempotency_key="click-1")

    assert (first.points, first.amount, first.currency, first.created) == (
        2500,
        D("2.50"),
        "USD",
        True,
    )
    assert (again.amount, again.created) == (D("2.50"), False)
    assert points_balance(user) == (2500, 5000)
    assert balances(user)["available"] == D("2.50")
    payment = Transaction.objects.get(kind=POINTS_REDEEMED)
    row = Activity.objects.get(kind="redemption")
    assert (payment.memo, payment.reference) == (
        "2500 points redeemed",
        f"points_activity:{row.pk}",
    )
    assert row.points == -2500
    call_command("wallet_audit")
    call_command("gamification_audit")


@override_settings(POINTS_PER_CURRENCY_UNIT=300, POINTS_REDEEM_MINIMUM=300)
def test_the_value_is_rounded_down_to_the_cent():
    user = with_points(1000)
    assert points_redeem(user=user, points=1000, idempotency_key="k").amount == D("3.33")


def test_two_shoppers_using_the_same_key_do_not_meet():
    a, b = with_points(2000), with_points(2000)
    points_redeem(user=a, points=1000, idempotency_key="same")
    points_redeem(user=b, points=2000, idempotency_key="same")
    assert (points_balance(a)[0], points_balance(b)[0]) == (1000, 0)
    assert (balances(a)["available"], balances(b)["available"]) == (D("1.00"), D("2.00"))


@pytest.mark.parametrize(
    ("points", "code"),
    [(999, "below_minimum"), (0, "invalid"), (-5, "invalid"), (3001, "insufficient_points")],
)
def test_refusals_change_nothing(points, code):
    user = with_points(3000)
    with pytest.raises(Refusal) as refused:
        points_redeem(user=user, points=points, idempotency_key="k")
    assert refused.value.code == code
    assert points_balance(user) == (3000, 3000)
    assert balances(user)["available"] == D("0.00")
    assert not Transaction.objects.filter(kind=POINTS_REDEEMED).exists()


def test_an_unverified_shopper_may_not_redeem():
    user = with_points(3000, UnverifiedUserFactory())
    with pytest.raises(Refusal) as refused:
        points_redeem(user=user, points=1000, idempotency_key="k")
    assert (refused.value.code, refused.value.http_status) == ("email_unverified", 403)
    assert points_balance(user) == (3000, 3000)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_redemptions_never_overdraw():
    user = with_points(5000)

    def redeem(i):
        return points_redeem(user=user, points=1000, idempotency_key=f"tab-{i}")

    results = race(10, redeem)

    paid = [r for r in results if not isinstance(r, Exception)]
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(paid) == 5
    assert all(isinstance(r, NotEnoughPoints) for r in refused), refused
    assert points_balance(user) == (0, 5000)
    assert balances(user)["available"] == D("5.00")
    assert Transaction.objects.filter(kind=POINTS_REDEEMED).count() == 5
    call_command("wallet_audit")
    call_command("gamification_audit")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_key_at_once_redeems_once():
    user = with_points(5000)
    results = race(8, lambda i: points_redeem(user=user, points=1000, idempotency_key="k"))
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(r.created for r in results) == [False] * 7 + [True]
    assert points_balance(user) == (4000, 5000)
    assert balances(user)["available"] == D("1.00")
