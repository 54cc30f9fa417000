from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import UnverifiedUserFactory, UserFactory
from gamification.models import Activity, DailyBonusClaim
from gamification.services import daily_bonus as daily
from gamification.services.bonus_money import DAILY_BONUS
from gamification.services.daily_bonus import (
    AlreadyClaimed,
    daily_bonus_claim,
    daily_bonus_status,
)
from gamification.services.eligibility import NotEligible
from gamification.services.points import points_balance
from wallet.services.audit import wallet_audit
from wallet.tests.factories import balances

from .factories_daily import CYCLE, bonus_days, bonus_postings

pytestmark = pytest.mark.django_db

D = Decimal
NOON = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)


def _claims(user):
    return list(
        DailyBonusClaim.objects.filter(user=user)
        .order_by("bonus_date")
        .values_list("bonus_date", "day_number", "streak", "freeze_used", "amount")
    )


def _on_days(user, *days_after_start):
    """Claim on each given day (counted from NOON)."""
    return [daily_bonus_claim(user=user, now=NOON + timedelta(days=d)) for d in days_after_start]


def test_the_first_claim_pays_day_one_into_available_with_points_under_one_key():
    bonus_days()
    user = UserFactory(time_zone="UTC")

    claim = daily_bonus_claim(user=user, now=NOON)

    assert (claim.bonus_date, claim.day_number, claim.streak, claim.amount, claim.points) == (
        NOON.date(),
        1,
        1,
        D("0.10"),
        10,
    )
    key = f"daily-bonus:{user.pk}:2026-06-10"
    assert claim.transaction_key == key
    assert balances(user)["available"] == D("0.10")
    assert bonus_postings(DAILY_BONUS) == [(key, D("0.10"))]
    assert points_balance(user) == (10, 10)
    assert list(Activity.objects.values_list("kind", "idempotency_key")) == [("daily_bonus", key)]
    assert wallet_audit() == []


def test_a_second_claim_the_same_local_day_is_refused_and_moves_nothing():
    bonus_days()
    user = UserFactory(time_zone="UTC")
    daily_bonus_claim(user=user, now=NOON)

    with pytest.raises(AlreadyClaimed) as refused:
        daily_bonus_claim(user=user, now=NOON + timedelta(hours=11, minutes=59))

    assert refused.value.code == "already_claimed"
    assert refused.value.http_status == 409
    assert DailyBonusClaim.objects.count() == 1
    assert balances(user)["available"] == D("0.10")
    assert points_balance(user) == (10, 10)


def test_consecutive_days_walk_the_cycle_and_start_it_again_after_day_seven():
    bonus_days()
    user = UserFactory(time_zone="UTC")

    claims = _on_days(user, *range(9))

    assert [(c.day_number, c.streak) for c in claims] == [
        (1, 1),
        (2, 2),
        (3, 3),
        (4, 4),
        (5, 5),
        (6, 6),
        (7, 7),
        (1, 8),
        (2, 9),
    ]
    # 0.10+0.10+0.20+0.20+0.30+0.30+1.00 + 0.10+0.10
    assert balances(user)["available"] == D("2.40")
    assert points_balance(user) == (90, 90)


def test_two_missed_days_restart_the_streak_at_day_one():
    bonus_days()
    user = UserFactory(time_zone="UTC")

    claims = _on_days(user, 0, 1, 2, 5)

    assert [(c.day_number, c.streak, c.freeze_used) for c in claims] == [
        (1, 1, False),
        (2, 2, False),
        (3, 3, False),
        (1, 1, False),
    ]


def test_the_freeze_forgives_one_missed_day_but_not_a_second_within_thirty_days():
    bonus_days()
    user = UserFactory(time_zone="UTC")

    # Day 2 missed (forgiven), day 5 missed (not forgiven: the freeze was used on day 3).
    claims = _on_days(user, 0, 1, 3, 4, 6)

    assert [(c.day_number, c.streak, c.freeze_used) for c in claims] == [
        (1, 1, False),
        (2, 2, False),
        (3, 3, True),
        (4, 4, False),
        (1, 1, False),
    ]


def test_the_freeze_is_available_again_thirty_days_after_it_was_used():
    bonus_days()
    user = UserFactory(time_zone="UTC")
    # Freeze used on day 2; the next miss is on day 30 (a claim on day 31 would be 29 days
    # after the freeze: refused), then again on day 33 (claim on day 34: 32 days after).
    _on_days(user, 0, 2, *range(3, 30))
    inside_window = daily_bonus_claim(user=user, now=NOON + timedelta(days=31))
    _on_days(user, 32)
    after_window = daily_bonus_claim(user=user, now=NOON + timedelta(days=34))

    assert (inside_window.freeze_used, inside_window.streak) == (False, 1)
    assert (after_window.freeze_used, after_window.streak) == (True, 3)
    assert DailyBonusClaim.objects.filter(user=user, freeze_used=True).count() == 2


def test_a_tokyo_and_a_los_angeles_shopper_at_the_same_instant_claim_their_own_days():
    bonus_days()
    tokyo = UserFactory(time_zone="Asia/Tokyo")
    los_angeles = UserFactory(time_zone="America/Los_Angeles")
    # 2026-03-01 20:00 UTC is 2 March 05:00 in Tokyo and 1 March 12:00 in Los Angeles.
    first = datetime(2026, 3, 1, 20, 0, tzinfo=UTC)
    # 14 hours later: 2 March 19:00 in Tokyo (same day), 2 March 02:00 in LA (next day).
    later = first + timedelta(hours=14)

    assert daily_bonus_claim(user=tokyo, now=first).bonus_date.isoformat() == "2026-03-02"
    assert daily_bonus_claim(user=los_angeles, now=first).bonus_date.isoformat() == "2026-03-01"
    with pytest.raises(AlreadyClaimed):
        daily_bonus_claim(user=tokyo, now=later)
    second = daily_bonus_claim(user=los_angeles, now=later)

    assert (second.bonus_date.isoformat(), second.day_number, second.streak) == (
        "2026-03-02",
        2,
        2,
    )
    # Tokyo's next local day (3 March) starts at 15:00 UTC on 2 March.
    third = daily_bonus_claim(user=tokyo, now=datetime(2026, 3, 2, 15, 0, tzinfo=UTC))
    assert (third.bonus_date.isoformat(), third.streak) == ("2026-03-03", 2)


@pytest.mark.parametrize(
    ("first", "same_day", "next_day"),
    [
        # 8 March 2026: clocks go forward, a 23-hour day in New York.
        ("2026-03-08T05:10Z", "2026-03-09T03:50Z", "2026-03-09T04:05Z"),
        # 1 November 2026: clocks go back, a 25-hour day in New York.
        ("2026-11-01T04:05Z", "2026-11-02T04:55Z", "2026-11-02T05:05Z"),
    ],
    ids=["spring-forward", "fall-back"],
)
def test_new_york_daylight_saving_changes_keep_one_claim_per_local_day(first, same_day, next_day):
    bonus_days()
    user = UserFactory(time_zone="America/New_York")

    def at(value):
        return datetime.fromisoformat(value.replace("Z", "+00:00"))

    claim = daily_bonus_claim(user=user, now=at(first))
    with pytest.raises(AlreadyClaimed):
        # 22 h 40 min later in March, 24 h 50 min later in November: still the same date.
        daily_bonus_claim(user=user, now=at(same_day))
    following = daily_bonus_claim(user=user, now=at(next_day))

    assert following.bonus_date - claim.bonus_date == timedelta(days=1)
    assert (following.day_number, following.streak, following.freeze_used) == (2, 2, False)


def test_moving_the_time_zone_west_does_not_give_the_same_day_twice():
    bonus_days()
    user = UserFactory(time_zone="Asia/Tokyo")
    instant = datetime(2026, 3, 1, 20, 0, tzinfo=UTC)  # 2 March in Tokyo
    daily_bonus_claim(user=user, now=instant)
    User.objects.filter(pk=user.pk).update(time_zone="America/Los_Angeles")
    user.refresh_from_db()  # now 1 March locally

    with pytest.raises(AlreadyClaimed):
        daily_bonus_claim(user=user, now=instant)
    assert DailyBonusClaim.objects.count() == 1


def test_the_tier_multiplier_scales_the_amount_to_the_cent(monkeypatch):
    bonus_days()
    monkeypatch.setattr(daily.tiers, "daily_bonus_multiplier", lambda user: D("1.25"))
    user = UserFactory(time_zone="UTC")

    claim = daily_bonus_claim(user=user, now=NOON)

    # 0.10 x 1.25 = 0.125, half-up to 0.13
    assert (claim.amount, claim.multiplier) == (D("0.13"), D("1.25"))
    assert balances(user)["available"] == D("0.13")


def test_a_day_configured_at_zero_records_the_claim_and_posts_nothing():
    bonus_days(amounts=("0.00",) * 7, points=0)
    user = UserFactory(time_zone="UTC")

    claim = daily_bonus_claim(user=user, now=NOON)

    assert (claim.amount, claim.points) == (D("0.00"), 0)
    assert bonus_postings(DAILY_BONUS) == []
    assert points_balance(user) == (0, 0)


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda: UnverifiedUserFactory(status="active"), "email_unverified"),
        (lambda: UserFactory(status="suspended"), "account_inactive"),
        (lambda: UserFactory(deleted_at=timezone.now()), "account_inactive"),
    ],
    ids=["unverified", "suspended", "deleted"],
)
def test_ineligible_shoppers_are_refused_and_nothing_moves(make, code):
    bonus_days()
    user = make()

    with pytest.raises(NotEligible) as refused:
        daily_bonus_claim(user=user, now=NOON)

    assert (refused.value.code, refused.value.http_status) == (code, 403)
    assert DailyBonusClaim.objects.count() == 0
    assert bonus_postings(DAILY_BONUS) == []
    assert points_balance(user) == (0, 0)


def test_status_before_and_after_todays_claim():
    bonus_days()
    user = UserFactory(time_zone="UTC")
    _on_days(user, 0, 1)  # days 1 and 2
    today = NOON + timedelta(days=2)

    before = daily_bonus_status(user, today)
    daily_bonus_claim(user=user, now=today)
    after = daily_bonus_status(user, today)

    assert (before.claimed_today, before.streak, before.next_day_number, before.next_amount) == (
        False,
        2,
        3,
        D("0.20"),
    )
    assert [d.state for d in before.calendar] == ["claimed"] * 2 + ["today"] + ["upcoming"] * 4
    assert (after.claimed_today, after.streak, after.next_day_number, after.next_amount) == (
        True,
        3,
        4,
        D("0.20"),
    )
    assert [d.state for d in after.calendar] == ["claimed"] * 3 + ["upcoming"] * 4
    assert [d.amount for d in after.calendar] == [D(a) for a in CYCLE]
    assert before.currency == "USD"


def test_status_after_a_broken_streak_offers_day_one_with_streak_zero():
    bonus_days()
    user = UserFactory(time_zone="UTC")
    _on_days(user, 0, 1)

    status = daily_bonus_status(user, NOON + timedelta(days=5))

    assert (status.claimed_today, status.streak, status.next_day_number) == (False, 0, 1)
