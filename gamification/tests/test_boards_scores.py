"""What each leaderboard type counts in a period, and the periods themselves."""

from datetime import UTC, date, datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import ReferralFactory, UserFactory
from wallet.models import CashbackEvent

from ..models import Activity, Leaderboard
from ..services.leaderboard_periods import (
    Period,
    current_period,
    ended_periods,
    previous_period,
)
from ..services.leaderboard_scores import leaderboard_scores
from ..services.points import points_award
from ..services.ranking import Score
from .factories_boards import LeaderboardFactory, confirmed_cashback

NOW = datetime(2026, 12, 16, 12, 0, tzinfo=UTC)  # a Wednesday
DECEMBER = Period(date(2026, 12, 1), date(2027, 1, 1))


def at(day, hour=12):
    return datetime(2026, 12, day, hour, tzinfo=UTC)


def test_periods_are_calendar_days_monday_weeks_and_months():
    board = Leaderboard(frequency=Leaderboard.Frequency.WEEKLY)
    assert current_period(board, NOW) == Period(date(2026, 12, 14), date(2026, 12, 21))
    assert previous_period(board, NOW) == Period(date(2026, 12, 7), date(2026, 12, 14))
    board.frequency = Leaderboard.Frequency.MONTHLY
    assert current_period(board, NOW) == DECEMBER
    assert previous_period(board, NOW) == Period(date(2026, 11, 1), date(2026, 12, 1))
    board.frequency = Leaderboard.Frequency.DAILY
    assert current_period(board, NOW) == Period(date(2026, 12, 16), date(2026, 12, 17))
    board.frequency = Leaderboard.Frequency.ALL_TIME
    assert current_period(board, NOW).end is None
    assert previous_period(board, NOW) is None


def test_periods_are_clipped_to_the_boards_bounds():
    board = Leaderboard(
        frequency=Leaderboard.Frequency.MONTHLY,
        starts_on=date(2026, 12, 10),
        ends_on=date(2026, 12, 20),
    )
    assert current_period(board, NOW) == Period(date(2026, 12, 10), date(2026, 12, 21))
    assert previous_period(board, NOW) is None  # its first period
    assert ended_periods(board, NOW) == []
    later = datetime(2027, 2, 1, tzinfo=UTC)
    assert ended_periods(board, later) == [Period(date(2026, 12, 10), date(2026, 12, 21))]


def test_periods_follow_the_site_time_zone(settings):
    settings.TIME_ZONE = "America/New_York"
    board = Leaderboard(frequency=Leaderboard.Frequency.DAILY)
    # 03:00 UTC on the 16th is still the 15th in New York.
    period = current_period(board, datetime(2026, 12, 16, 3, tzinfo=UTC))
    assert period.start == date(2026, 12, 15)
    assert period.start_at == datetime(2026, 12, 15, 5, tzinfo=UTC)


@pytest.mark.django_db
def test_earnings_count_cashback_confirmed_in_the_period_only():
    dana, eli, sam = UserFactory(), UserFactory(), UserFactory()
    confirmed_cashback(dana, "10.00", at(2))
    confirmed_cashback(dana, "2.50", at(9))
    confirmed_cashback(eli, "4.00", at(3))
    confirmed_cashback(eli, "99.00", datetime(2026, 11, 30, 23, 59, tzinfo=UTC))  # November
    reversed_ = confirmed_cashback(sam, "50.00", at(4))
    CashbackEvent.objects.filter(pk=reversed_.pk).update(status=CashbackEvent.Status.REVERSED)
    board = LeaderboardFactory(type=Leaderboard.Type.EARNINGS)

    scores = sorted(leaderboard_scores(board=board, period=DECEMBER))

    assert scores == [
        Score(dana.pk, Decimal("12.50"), at(9)),
        Score(eli.pk, Decimal("4.00"), at(3)),
    ]


@pytest.mark.django_db
def test_deleted_and_suspended_shoppers_are_not_ranked_and_min_score_qualifies():
    ranked, suspended, deleted, small = (UserFactory() for _ in range(4))
    for user in (ranked, suspended, deleted):
        confirmed_cashback(user, "20.00", at(5))
    confirmed_cashback(small, "4.99", at(5))
    User.objects.filter(pk=suspended.pk).update(status=User.Status.SUSPENDED)
    User.objects.filter(pk=deleted.pk).update(deleted_at=timezone.now())
    board = LeaderboardFactory(min_score=Decimal("5.00"))

    assert [row[0] for row in leaderboard_scores(board=board, period=DECEMBER)] == [ranked.pk]


@pytest.mark.django_db
def test_referrals_count_activations_in_the_period():
    referrer, other = UserFactory(), UserFactory()
    for day in (3, 8):
        ReferralFactory(referrer=referrer, activated_at=at(day))
    ReferralFactory(referrer=referrer, activated_at=None)  # never activated
    ReferralFactory(referrer=other, activated_at=datetime(2026, 11, 5, tzinfo=UTC))
    board = LeaderboardFactory(type=Leaderboard.Type.REFERRALS)

    assert leaderboard_scores(board=board, period=DECEMBER) == [
        Score(referrer.pk, Decimal(2), at(8))
    ]


@pytest.mark.django_db
def test_points_count_positive_awards_not_corrections_or_redemptions():
    user = UserFactory()
    points_award(user=user, kind=Activity.Kind.DAILY_BONUS, points=30, idempotency_key="a")
    points_award(user=user, kind=Activity.Kind.CHALLENGE, points=12, idempotency_key="b")
    points_award(user=user, kind=Activity.Kind.CORRECTION, points=500, idempotency_key="c")
    points_award(user=user, kind=Activity.Kind.REDEMPTION, points=-10, idempotency_key="d")
    board = LeaderboardFactory(
        type=Leaderboard.Type.POINTS, frequency=Leaderboard.Frequency.DAILY
    )  # activity rows are append-only: they count today, when they were written
    last_earned = Activity.objects.get(idempotency_key="b").created_at

    assert leaderboard_scores(board=board, period=current_period(board)) == [
        Score(user.pk, Decimal(42), last_earned)
    ]


def test_race_boards_take_the_races_scores_above_the_minimum():
    board = Leaderboard(type=Leaderboard.Type.RACE, race_slug="demo-race", min_score=10)
    race = [Score(1, Decimal(50), 1), Score(2, Decimal("9.99"), 2), Score(3, Decimal(0), 3)]
    with mock.patch(
        "gamification.services.leaderboard_scores.scores_for_race", return_value=race
    ) as scores_for_race:
        assert leaderboard_scores(board=board, period=DECEMBER) == [race[0]]
    scores_for_race.assert_called_once_with("demo-race")


def test_rows_come_best_first_and_ties_by_who_reached_the_score_first():
    board = Leaderboard(type=Leaderboard.Type.RACE, race_slug="r")
    race = [Score(1, Decimal(5), 3), Score(2, Decimal(9), 9), Score(3, Decimal(5), 1)]
    with mock.patch("gamification.services.leaderboard_scores.scores_for_race", return_value=race):
        assert [row[0] for row in leaderboard_scores(board=board, period=DECEMBER)] == [2, 3, 1]
