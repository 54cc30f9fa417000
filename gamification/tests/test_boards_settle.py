"""Settling ended periods: final entries, each prize paid once, ties split to the cent."""

from datetime import UTC, date, datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.core.management import call_command
from django.db.models import Sum

from accounts.tests.factories import UserFactory
from config.testing import race
from support.models import Notification
from wallet.models import Account, Entry, Transaction

from ..models import LeaderboardEntry
from ..services import leaderboard_settle
from ..services.bonus_money import PRIZE
from ..services.leaderboard_settle import leaderboards_settle
from .factories_boards import LeaderboardFactory, confirmed_cashback

NOW = datetime(2026, 12, 16, 12, 0, tzinfo=UTC)
NOVEMBER = date(2026, 11, 1)


def nov(day, second=0):
    return datetime(2026, 11, day, 12, 0, second, tzinfo=UTC)


def prizes_paid() -> dict[int, Decimal]:
    """Prize money credited per shopper, from the ledger itself."""
    rows = (
        Entry.objects.filter(transaction__kind=PRIZE, account__kind=Account.Kind.AVAILABLE)
        .values("account__owner_id")
        .annotate(total=Sum("amount"))
    )
    return {r["account__owner_id"]: r["total"] for r in rows}


def _november_board(*amounts_and_seconds):
    users = []
    for amount, second in amounts_and_seconds:
        user = UserFactory()
        confirmed_cashback(user, amount, nov(10, second))
        users.append(user)
    return LeaderboardFactory(), users


@pytest.mark.django_db
def test_settlement_pays_each_prize_once_and_a_rerun_moves_nothing():
    board, (first, second, third, fourth) = _november_board(
        ("40.00", 0), ("30.00", 0), ("20.00", 0), ("10.00", 0)
    )

    report = leaderboards_settle(now=NOW)

    assert (report.periods, report.entries, report.paid, report.amount) == (
        1,
        4,
        3,
        Decimal("50.00"),
    )
    assert prizes_paid() == {
        first.pk: Decimal("25.00"),
        second.pk: Decimal("15.00"),
        third.pk: Decimal("10.00"),
    }
    entries = LeaderboardEntry.objects.filter(leaderboard=board).order_by("rank")
    assert [(e.user_id, e.rank, e.prize, e.period_end) for e in entries] == [
        (first.pk, 1, Decimal("25.00"), date(2026, 11, 30)),
        (second.pk, 2, Decimal("15.00"), date(2026, 11, 30)),
        (third.pk, 3, Decimal("10.00"), date(2026, 11, 30)),
        (fourth.pk, 4, Decimal("0.00"), date(2026, 11, 30)),
    ]
    assert entries[0].paid_transaction_key == f"leaderboard:{board.pk}:2026-11-01:{first.pk}"
    assert entries[3].paid_transaction_key == ""
    assert Notification.objects.filter(user=first, title__contains="You won 25.00").count() == 1
    board.refresh_from_db()
    assert board.settled_until == date(2026, 12, 1)

    again = leaderboards_settle(now=NOW)

    assert (again.periods, again.paid, again.amount) == (0, 0, Decimal("0.00"))
    assert Transaction.objects.filter(kind=PRIZE).count() == 3
    assert Notification.objects.filter(title__startswith="You won").count() == 3
    call_command("wallet_audit")


@pytest.mark.django_db
def test_ties_share_the_rank_and_split_the_prizes_to_the_cent():
    # Three tied at the top share 25 + 15 + 10 = 50.00: 16.66 each, and the two cents
    # left go to the first two to reach the score.
    _board, (late, early, middle) = _november_board(("30.00", 9), ("30.00", 1), ("30.00", 5))

    leaderboards_settle(now=NOW)

    assert prizes_paid() == {
        early.pk: Decimal("16.67"),
        middle.pk: Decimal("16.67"),
        late.pk: Decimal("16.66"),
    }
    assert set(LeaderboardEntry.objects.values_list("rank", flat=True)) == {1}


@pytest.mark.django_db
def test_dry_run_counts_and_changes_nothing():
    _november_board(("40.00", 0), ("30.00", 0))
    report = leaderboards_settle(now=NOW, dry_run=True)
    assert (report.paid, report.amount) == (2, Decimal("40.00"))
    assert LeaderboardEntry.objects.count() == 0
    assert prizes_paid() == {}


@pytest.mark.django_db
def test_a_board_never_settled_does_not_pay_out_its_history():
    user = UserFactory()
    confirmed_cashback(user, "40.00", datetime(2026, 10, 10, tzinfo=UTC))  # October
    LeaderboardFactory()
    report = leaderboards_settle(now=NOW)
    assert report.periods == 1  # November only, where nobody scored
    assert prizes_paid() == {}


@pytest.mark.django_db
def test_settled_period_is_read_from_the_entries(client):
    board, (first, *_) = _november_board(("40.00", 0), ("30.00", 0))
    leaderboards_settle(now=NOW)
    client.force_login(first)
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        body = client.get(f"/api/v1/leaderboards/{board.slug}/?period=previous").json()
    assert body["period_start"] == "2026-11-01" and body["period_end"] == "2026-11-30"
    assert [(e["rank"], e["prize"]) for e in body["entries"]] == [(1, "25.00"), (2, "15.00")]
    assert body["me"] == {"rank": 1, "score": "40.00"}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_settlement_killed_after_its_first_batch_then_rerun_pays_each_prize_once():
    board, (first, second, third) = _november_board(("40.00", 0), ("30.00", 0), ("20.00", 0))
    real_pay = leaderboard_settle.pay_bonuses
    calls = []

    def dies_on_second_batch(payments, **kwargs):
        calls.append(len(payments))
        if len(calls) == 2:
            raise RuntimeError("worker killed")
        return real_pay(payments, **kwargs)

    with (
        mock.patch.object(leaderboard_settle, "pay_bonuses", dies_on_second_batch),
        pytest.raises(RuntimeError),
    ):
        leaderboards_settle(now=NOW, batch_size=1)

    assert prizes_paid() == {first.pk: Decimal("25.00")}  # batch 1 committed, batch 2 not
    board.refresh_from_db()
    assert board.settled_until is None

    report = leaderboards_settle(now=NOW, batch_size=1)

    assert (report.paid, report.amount) == (2, Decimal("25.00"))
    assert prizes_paid() == {
        first.pk: Decimal("25.00"),
        second.pk: Decimal("15.00"),
        third.pk: Decimal("10.00"),
    }
    assert Transaction.objects.filter(kind=PRIZE).count() == 3
    assert Notification.objects.filter(title__startswith="You won").count() == 3
    assert LeaderboardEntry.objects.count() == 3
    call_command("wallet_audit")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_settlers_running_at_once_pay_each_prize_once():
    _november_board(*((f"{50 - i}.00", 0) for i in range(6)))
    LeaderboardFactory(prize_table=[{"ranks": "1-6", "amount": "1.00"}])

    results = race(5, lambda i: leaderboards_settle(now=NOW, batch_size=2))

    assert [r for r in results if isinstance(r, Exception)] == []
    assert Transaction.objects.filter(kind=PRIZE).count() == 3 + 6
    assert sum(prizes_paid().values()) == Decimal("56.00")
    assert Notification.objects.filter(title__startswith="You won").count() == 9
    assert LeaderboardEntry.objects.count() == 12
    call_command("wallet_audit")
