"""Leaderboards in the admin, as staff use it: Content editors edit them and refresh the
live standings; only Finance (and Administrators) set prize tables and settle, since
settling pays."""

from datetime import UTC, datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditLog
from accounts.tests.factories import StaffFactory, UserFactory
from wallet.models import Transaction

from ..models import Leaderboard, LeaderboardEntry
from ..services.bonus_money import PRIZE
from .factories_boards import LeaderboardFactory, confirmed_cashback

pytestmark = pytest.mark.django_db
BOARDS = reverse("admin:gamification_leaderboard_changelist")
ADD = reverse("admin:gamification_leaderboard_add")


def staff_in(client, role):
    staff = StaffFactory()
    staff.groups.add(Group.objects.get(name=role))
    client.force_login(staff)
    return staff


def _form(**overrides):
    data = {
        "name": "Weekly points",
        "slug": "weekly-points",
        "type": "points",
        "frequency": "weekly",
        "prize_table": '[{"ranks": "1", "amount": "5.00"}, {"ranks": "2-3", "amount": "2.00"}]',
        "is_active": "on",
        "min_score": "0",
        "race_slug": "",
    }
    return {**data, **overrides}


def test_finance_creates_a_board_and_the_pool_is_derived(client):
    staff_in(client, "Finance")
    response = client.post(ADD, _form())
    assert response.status_code == 302, response.content.decode()[:2000]
    board = Leaderboard.objects.get()
    assert board.prize_pool == Decimal("9.00")
    assert AuditLog.objects.filter(action="leaderboard.admin_add").count() == 1


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('[{"ranks": "1", "amount": "5.001"}]', "at most two decimals"),
        ('[{"ranks": "1-2", "amount": "5"}, {"ranks": "2", "amount": "1"}]', "two prizes"),
        ('{"ranks": "1"}', "must be a list"),
    ],
)
def test_a_bad_prize_table_is_a_form_error_and_saves_nothing(client, table, message):
    staff_in(client, "Finance")
    response = client.post(ADD, _form(prize_table=table))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Leaderboard.objects.count() == 0


def test_content_editors_cannot_set_or_change_the_prize_table(client):
    # The beat settles and pays whatever the table says: editors keep names and rules.
    staff_in(client, "Content editor")
    rich = '[{"ranks": "1", "amount": "100000.00"}]'
    response = client.post(ADD, _form(prize_table=rich))
    assert response.status_code == 302
    board = Leaderboard.objects.get()
    assert (board.prize_table, board.prize_pool) == ([], Decimal("0.00"))

    board.prize_table = [{"ranks": "1", "amount": "5.00"}]
    board.save()
    change = reverse("admin:gamification_leaderboard_change", args=[board.pk])
    response = client.post(change, _form(prize_table=rich, name="Renamed", frequency="daily"))
    assert response.status_code == 302
    board.refresh_from_db()
    assert (board.name, board.frequency) == ("Renamed", "weekly")
    assert (board.prize_table, board.prize_pool) == (
        [{"ranks": "1", "amount": "5.00"}],
        Decimal("5.00"),
    )


def test_a_race_board_must_name_its_race(client):
    staff_in(client, "Content editor")
    response = client.post(ADD, _form(type="race"))
    assert "A race leaderboard names its race." in response.content.decode()
    assert Leaderboard.objects.count() == 0


def test_refresh_now_is_audited_and_the_change_page_shows_the_standings(client):
    staff = staff_in(client, "Content editor")
    confirmed_cashback(UserFactory(first_name="Ana", last_name="Zed"), "30.00", timezone.now())
    board = LeaderboardFactory()

    response = client.post(
        BOARDS, {"action": "refresh_now", "_selected_action": [board.pk]}, follow=True
    )

    assert "1 leaderboard(s) refreshed." in response.content.decode()
    log = AuditLog.objects.get(action="leaderboard.refresh")
    assert (log.actor, log.entity_id, log.metadata) == (staff, str(board.pk), {"ranked": 1})
    page = client.get(reverse("admin:gamification_leaderboard_change", args=[board.pk]))
    assert "Ana Z." in page.content.decode() and "30.00" in page.content.decode()


def _ended_november_board():
    user = UserFactory()
    confirmed_cashback(user, "30.00", datetime(2026, 11, 10, tzinfo=UTC))
    return LeaderboardFactory(), user


def test_finance_settles_ended_periods_through_the_action(client):
    staff = staff_in(client, "Finance")
    board, winner = _ended_november_board()
    with mock.patch(
        "django.utils.timezone.now", return_value=datetime(2026, 12, 16, 12, tzinfo=UTC)
    ):
        response = client.post(
            BOARDS, {"action": "settle_ended", "_selected_action": [board.pk]}, follow=True
        )

    assert "1 period(s) settled; 1 prize(s) paid, 25.00 in all." in response.content.decode()
    assert Transaction.objects.filter(kind=PRIZE).count() == 1
    assert LeaderboardEntry.objects.get().user == winner
    log = AuditLog.objects.get(action="leaderboard.settle")
    assert (log.actor, log.metadata) == (staff, {"paid": 1, "amount": "25.00"})


def test_content_editors_cannot_settle(client):
    staff_in(client, "Content editor")
    board, _ = _ended_november_board()
    changelist = client.get(BOARDS).content.decode()
    assert "refresh_now" in changelist and "settle_ended" not in changelist

    with mock.patch(
        "django.utils.timezone.now", return_value=datetime(2026, 12, 16, 12, tzinfo=UTC)
    ):
        client.post(BOARDS, {"action": "settle_ended", "_selected_action": [board.pk]})

    assert Transaction.objects.filter(kind=PRIZE).count() == 0
    assert LeaderboardEntry.objects.count() == 0
    assert not AuditLog.objects.filter(action="leaderboard.settle").exists()


def test_entries_are_read_only(client):
    staff_in(client, "Finance")
    url = reverse("admin:gamification_leaderboardentry_changelist")
    assert client.get(url).status_code == 200
    assert client.get(reverse("admin:gamification_leaderboardentry_add")).status_code == 403
