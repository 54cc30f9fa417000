"""Live standings: refresh, then the page and the API read the top 100 and "me"."""

from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import UserFactory

from ..models import Leaderboard, LiveStanding
from ..services.leaderboard_live import leaderboard_refresh
from ..services.leaderboard_standings import HIDDEN_NAME, ends_in
from ..services.ranking import Score
from .factories_boards import LeaderboardFactory, confirmed_cashback

pytestmark = pytest.mark.django_db


def _board_with_tie():
    """Ana 30.00, Ben and Cy tied at 20.00 (Ben first), Di 5.00, this month."""
    now = timezone.now()
    ana, ben, cy, di = (
        UserFactory(first_name=f, last_name="Zed") for f in ("Ana", "Ben", "Cy", "Di")
    )
    confirmed_cashback(ana, "30.00", now)
    confirmed_cashback(ben, "20.00", now - timezone.timedelta(seconds=2))
    confirmed_cashback(cy, "20.00", now - timezone.timedelta(seconds=1))
    confirmed_cashback(di, "5.00", now)
    board = LeaderboardFactory(name="Monthly", slug="monthly")
    leaderboard_refresh(board=board)
    return board, ana, ben, cy, di


def test_api_answers_the_issues_shape_with_shared_ranks_and_prizes(client):
    board, _ana, _ben, cy, _di = _board_with_tie()
    client.force_login(cy)

    body = client.get("/api/v1/leaderboards/monthly/").json()

    assert set(body) == {
        "name",
        "type",
        "frequency",
        "period_start",
        "period_end",
        "prizes",
        "entries",
        "me",
    }
    assert body["entries"] == [
        {"rank": 1, "name": "Ana Z.", "score": "30.00", "prize": "25.00"},
        {"rank": 2, "name": "Ben Z.", "score": "20.00", "prize": "12.50"},
        {"rank": 2, "name": "Cy Z.", "score": "20.00", "prize": "12.50"},
        {"rank": 4, "name": "Di Z.", "score": "5.00", "prize": "0.00"},
    ]
    assert body["me"] == {"rank": 2, "score": "20.00"}
    assert body["prizes"] == board.prize_table
    assert (body["type"], body["frequency"]) == ("earnings", "monthly")


def test_anonymous_readers_see_the_standings_with_no_me(client):
    _board_with_tie()
    body = client.get("/api/v1/leaderboards/monthly/?period=current").json()
    assert body["me"] is None
    assert len(body["entries"]) == 4


def test_hidden_shoppers_are_ranked_but_named_only_to_themselves(client):
    _board, ana, *_ = _board_with_tie()
    User.objects.filter(pk=ana.pk).update(leaderboard_hidden=True)

    anonymous = client.get("/api/v1/leaderboards/monthly/").json()["entries"][0]
    client.force_login(ana)
    own = client.get("/api/v1/leaderboards/monthly/").json()["entries"][0]

    assert anonymous == {"rank": 1, "name": HIDDEN_NAME, "score": "30.00", "prize": "25.00"}
    assert own["name"] == "Ana Z."


def test_a_hidden_shopper_is_told_that_only_they_see_their_name(client):
    # Walking the demo: a shopper who ticked "Hide me" found their public name on the
    # board straight after, with nothing saying others see "Hidden shopper".
    _board, ana, ben, *_ = _board_with_tie()
    User.objects.filter(pk=ana.pk).update(leaderboard_hidden=True)
    client.force_login(ana)
    page = client.get("/leaderboards/monthly/").content.decode()
    assert "Ana Z." in page
    assert 'data-test="hidden-note"' in page
    assert "Only you see your name here: others see “Hidden shopper”." in page
    assert 'href="/accounts/profile/"' in page
    client.force_login(ben)
    assert 'data-test="hidden-note"' not in client.get("/leaderboards/monthly/").content.decode()


def test_bad_period_is_400_invalid_choice_and_unknown_board_404(client):
    _board_with_tie()
    bad = client.get("/api/v1/leaderboards/monthly/?period=forever")
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid_choice"
    assert client.get("/api/v1/leaderboards/nope/").status_code == 404
    assert client.get("/leaderboards/monthly/?period=forever").status_code == 400
    Leaderboard.objects.filter(slug="monthly").update(is_active=False)
    assert client.get("/api/v1/leaderboards/monthly/").status_code == 404


def test_list_api_names_the_running_boards(client):
    _board_with_tie()
    LeaderboardFactory(slug="old", is_active=False)
    rows = client.get("/api/v1/leaderboards/").json()
    assert [(r["slug"], r["prize_pool"]) for r in rows] == [("monthly", "50.00")]


def test_page_shows_ranks_my_place_prizes_rules_and_countdown(client):
    _board_with_tie()
    client.force_login(User.objects.get(first_name="Di"))
    page = client.get("/leaderboards/monthly/").content.decode()
    assert "Your rank: <strong>#4</strong>" in page
    assert "Ben Z." in page and "12.50" in page
    assert "the order they reached the score, earliest first" in page
    assert 'data-test="ends-in"' in page
    listing = client.get("/leaderboards/").content.decode()
    assert "/leaderboards/monthly/" in listing and "nav-leaderboards" in listing


def test_an_ended_period_does_not_say_not_ranked_yet(client):
    # "You are not ranked in this period yet." on last week's board, which can no
    # longer change, read like a promise.
    _board_with_tie()
    client.force_login(UserFactory())
    current = client.get("/leaderboards/monthly/").content.decode()
    previous = client.get("/leaderboards/monthly/?period=previous").content.decode()
    assert "You are not ranked in this period yet." in current
    assert "You were not ranked in this period." in previous
    assert "not ranked in this period yet" not in previous


def test_an_ended_period_with_nobody_does_not_say_nobody_is_ranked_yet(client):
    # Last week's settled board with no scores said "Nobody is ranked yet." under "final".
    LeaderboardFactory(slug="quiet")
    page = client.get("/leaderboards/quiet/?period=previous").content.decode()
    assert "Nobody was ranked in this period." in page
    assert "Nobody is ranked yet." not in page
    assert "Nobody is ranked yet." in client.get("/leaderboards/quiet/").content.decode()


def test_before_any_refresh_nobody_is_shown(client):
    LeaderboardFactory(slug="fresh")
    body = client.get("/api/v1/leaderboards/fresh/").json()
    assert body["entries"] == [] and body["me"] is None


def test_a_refresh_replaces_the_previous_standings(client, settings):
    board, _ana, *_ = _board_with_tie()
    confirmed_cashback(UserFactory(first_name="Eve", last_name="Zed"), "99.00", timezone.now())
    leaderboard_refresh(board=board)
    entries = client.get("/api/v1/leaderboards/monthly/").json()["entries"]
    assert [e["name"] for e in entries][:2] == ["Eve Z.", "Ana Z."]
    assert len(entries) == 5
    if not settings.REDIS_URL:  # the table keeps one token's rows
        assert LiveStanding.objects.count() == 5


def test_ends_in_reads_like_a_person():
    now = timezone.now()
    assert ends_in(now + timezone.timedelta(days=3, hours=4, minutes=5), now) == "3 days 4 h"
    assert ends_in(now + timezone.timedelta(hours=5, minutes=20), now) == "5 h 20 min"
    assert ends_in(now - timezone.timedelta(seconds=1), now) == "ended"


def _race_board_with(count: int):
    users = User.objects.bulk_create(
        User(email=f"racer{count}-{i}@example.com", first_name="R", status="active")
        for i in range(count)
    )
    scores = [Score(u.pk, Decimal(1000 - i), i) for i, u in enumerate(users)]
    board = LeaderboardFactory(type="race", race_slug="r", slug=f"race-{count}")
    with mock.patch(
        "gamification.services.leaderboard_scores.scores_for_race", return_value=scores
    ):
        leaderboard_refresh(board=board)
    return board, users[-1]


def test_queries_do_not_grow_with_participants(client):
    counts = []
    for count in (3, 150):
        board, last = _race_board_with(count)
        client.force_login(last)
        with CaptureQueriesContext(connection) as captured:
            body = client.get(f"/api/v1/leaderboards/{board.slug}/").json()
        counts.append(len(captured))
        assert len(body["entries"]) == min(count, 100)
        assert body["me"] == {"rank": count, "score": f"{1001 - count}.00"}
    assert counts[0] == counts[1]


def test_ties_past_the_prize_ranks_share_a_rank_for_the_list_and_for_me(client):
    users = [UserFactory(first_name=n, last_name="Zed") for n in ("Ann", "Bo", "Cat", "Dot")]
    for user, amount in zip(users, ("9.00", "5.00", "5.00", "1.00"), strict=True):
        confirmed_cashback(user, amount, timezone.now())
    board = LeaderboardFactory(slug="one-prize", prize_table=[{"ranks": "1", "amount": "3.00"}])
    leaderboard_refresh(board=board)

    client.force_login(users[2])
    body = client.get("/api/v1/leaderboards/one-prize/").json()

    assert [(e["rank"], e["score"], e["prize"]) for e in body["entries"]] == [
        (1, "9.00", "3.00"),
        (2, "5.00", "0.00"),
        (2, "5.00", "0.00"),
        (4, "1.00", "0.00"),
    ]
    assert body["me"] == {"rank": 2, "score": "5.00"}
    client.force_login(users[3])
    assert client.get("/api/v1/leaderboards/one-prize/").json()["me"] == {
        "rank": 4,
        "score": "1.00",
    }
