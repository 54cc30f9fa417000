"""Review of leaderboard money: a race board shows a race, whose completion pays it."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from accounts.tests.factories import StaffFactory
from gamification.models import Leaderboard
from gamification.services.leaderboard_settle import leaderboards_settle
from gamification.services.races import race_complete, race_rerank
from wallet.models import Transaction
from wallet.tests.factories import balances

from .factories_boards import LeaderboardFactory
from .factories_races import ParticipantFactory, RaceFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 16, 12, 0, tzinfo=UTC)


def test_a_race_board_pays_no_prizes_of_its_own_the_race_pays_once():
    race = RaceFactory(
        slug="r", starts_at=NOW - timedelta(days=40), ends_at=NOW + timedelta(days=1)
    )
    leader = ParticipantFactory(race=race, total=Decimal("300"))
    runner = ParticipantFactory(race=race, total=Decimal("200"))
    race_rerank(race)
    # Saved before the check below existed: a weekly board over the race, with prizes.
    board = LeaderboardFactory(type="race", race_slug="r", frequency="weekly")

    leaderboards_settle(now=NOW)  # the two weeks before this one

    assert not Transaction.objects.filter(kind="bonus.prize").exists()
    assert balances(leader.user)["available"] == Decimal("0.00")
    board.refresh_from_db()
    assert board.settled_until is not None

    race_complete(race=race)
    assert balances(leader.user)["available"] == Decimal("50.00")
    assert balances(runner.user)["available"] == Decimal("20.00")
    assert Transaction.objects.filter(kind="bonus.prize").count() == 2


def test_the_admin_refuses_a_prize_table_on_a_race_board(client):
    # Finance: prize tables are read-only to Content editors.
    staff = StaffFactory()
    staff.groups.add(Group.objects.get(name="Finance"))
    client.force_login(staff)
    response = client.post(
        "/admin/gamification/leaderboard/add/",
        {
            "name": "Race board",
            "slug": "race-board",
            "type": "race",
            "frequency": "all_time",
            "prize_table": '[{"ranks": "1", "amount": "5.00"}]',
            "is_active": "on",
            "min_score": "0",
            "race_slug": "demo-race",
        },
    )
    assert "A race pays its own prizes" in response.content.decode()
    assert not Leaderboard.objects.exists()
