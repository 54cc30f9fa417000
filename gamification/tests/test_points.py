import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import AuditLog
from accounts.tests.factories import StaffFactory, UserFactory
from config.errors import Refusal
from config.testing import race
from gamification.models import Activity, PointsBalance
from gamification.services.points import (
    NotEnoughPoints,
    points_award,
    points_balance,
    points_correct,
)

pytestmark = pytest.mark.django_db


def test_an_award_counts_once_per_key():
    user = UserFactory()
    first = points_award(user=user, kind="daily_bonus", points=10, idempotency_key="k1")
    again = points_award(user=user, kind="daily_bonus", points=10, idempotency_key="k1")
    assert first.created and not again.created
    assert again.activity.pk == first.activity.pk
    assert points_balance(user) == (10, 10)
    assert Activity.objects.filter(user=user).count() == 1


def test_a_spend_beyond_the_balance_is_refused_and_changes_nothing():
    user = UserFactory()
    points_award(user=user, kind="cashback", points=30, idempotency_key="earn")
    with pytest.raises(NotEnoughPoints):
        points_award(user=user, kind="redemption", points=-31, idempotency_key="spend")
    assert points_balance(user) == (30, 30)
    assert not Activity.objects.filter(idempotency_key="spend").exists()


def test_a_correction_is_a_row_with_reason_and_actor_and_is_audited():
    user, staff = UserFactory(), StaffFactory()
    points_award(user=user, kind="cashback", points=50, idempotency_key="earn")
    award = points_correct(
        user=user, points=-20, reason="Duplicate award", actor=staff, idempotency_key="fix-1"
    )
    assert (award.activity.reason, award.activity.actor, award.activity.points) == (
        "Duplicate award",
        staff,
        -20,
    )
    # Lifetime keeps what was earned; the balance drops.
    assert points_balance(user) == (30, 50)
    assert AuditLog.objects.filter(action="gamification.points_correct").count() == 1
    with pytest.raises(Refusal) as refused:
        points_correct(user=user, points=5, reason=" ", actor=staff, idempotency_key="fix-2")
    assert refused.value.code == "reason_required"


def test_audit_passes_then_fails_on_a_tampered_balance(capsys):
    user = UserFactory()
    points_award(user=user, kind="cashback", points=12, idempotency_key="earn")
    call_command("gamification_audit")
    PointsBalance.objects.filter(user=user).update(balance=13)
    with pytest.raises(CommandError):
        call_command("gamification_audit")
    assert f"user {user.pk}: cached balance 13" in capsys.readouterr().err


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_awards_under_one_key_count_once():
    user = UserFactory()
    results = race(
        20,
        lambda i: points_award(user=user, kind="daily_bonus", points=5, idempotency_key="same"),
    )
    assert sum(1 for r in results if r.created) == 1, results
    assert points_balance(user) == (5, 5)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_spends_never_overdraw():
    user = UserFactory()
    points_award(user=user, kind="cashback", points=100, idempotency_key="earn")
    results = race(
        10,
        lambda i: points_award(
            user=user, kind="redemption", points=-30, idempotency_key=f"spend-{i}"
        ),
    )
    assert sum(1 for r in results if isinstance(r, NotEnoughPoints)) == 7
    assert points_balance(user) == (10, 100)
