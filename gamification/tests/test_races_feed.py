import json
import logging
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from accounts import demo as accounts_demo
from accounts.models import User
from accounts.tests.factories import UserFactory
from gamification import tasks
from gamification.demo import races as races_demo
from gamification.models import Race, RaceParticipant
from gamification.services.race_feed import (
    RaceFeedFailed,
    RaceFeedNotConfigured,
    race_stats_sync,
)
from support.models import Notification

from .factories_races import ExternalAccountFactory, ParticipantFactory, RaceFactory
from .race_feed_server import TOKEN, stats_server

pytestmark = pytest.mark.django_db

SEED_SAMPLE = (Path(__file__).parent / "fixtures" / "race_stats_seed_004.jsonc").read_bytes()


def as_json(sample: bytes) -> bytes:
    """The seed's sample without its "// More users..." placeholder line and the trailing
    comma it leaves: the only two things that keep it from being JSON."""
    lines = [line for line in sample.decode().splitlines() if "// More users" not in line]
    text = "\n".join(lines).replace("},\n      ]", "}\n      ]")
    json.loads(text)
    return text.encode()


def feed(*rows) -> bytes:
    return json.dumps({"status": "success", "data": {"monthly": {"data": list(rows)}}}).encode()


def row(uid, this_month=0, *, today=0, this_week=0, all_time=0, name="Player"):
    return {
        "uid": uid,
        "name": name,
        "wagered": {
            "today": today,
            "this_week": this_week,
            "this_month": this_month,
            "all_time": all_time,
        },
    }


@pytest.fixture
def feed_settings(settings):
    settings.RACE_STATS_API_KEY = TOKEN
    settings.RACE_STATS_ALLOW_PRIVATE = True
    settings.RACE_STATS_RETRY_DELAY = 0
    return settings


def snapshot():
    return list(
        RaceParticipant.objects.order_by("pk").values_list(
            "pk", "user_id", "total", "baseline", "rank", "prize", "history"
        )
    )


def test_sync_race_stats_against_the_seed_sample_updates_demo_race(feed_settings):
    accounts_demo.seed()
    races_demo.seed()
    shopper = User.objects.get(email="demo@savebucks.test")
    RaceParticipant.objects.filter(user=shopper).update(total=Decimal("1.00"), history=[])
    with stats_server((200, as_json(SEED_SAMPLE))) as fake:
        feed_settings.RACE_STATS_URL = fake.url
        call_command("sync_race_stats")
    mine = RaceParticipant.objects.get(race__slug="demo-race", user=shopper)
    assert mine.total == Decimal("45000.00")
    assert [point["total"] for point in mine.history] == ["45000.00"]
    # Rivals: 61000, 45000 (the sample), 38000 twice, 12500.
    assert mine.rank == 2
    assert mine.prize == Decimal("25.00")
    assert fake.requests[0]["Authorization"] == f"Bearer {TOKEN}"
    assert Race.objects.get(slug="demo-race").synced_at is not None


def test_the_seed_sample_verbatim_is_not_json_and_changes_nothing(feed_settings):
    accounts_demo.seed()
    races_demo.seed()
    before = snapshot()
    with stats_server((200, SEED_SAMPLE)) as fake:
        feed_settings.RACE_STATS_URL = fake.url
        with pytest.raises(CommandError, match="not JSON"):
            call_command("sync_race_stats")
    assert snapshot() == before


HOSTILE = {
    "NaN": b'{"data": {"monthly": {"data": [{"uid": "u1", "name": "A", "wagered": '
    b'{"today": NaN, "this_week": 1, "this_month": 1, "all_time": 1}}]}}}',
    "Infinity": b'{"data": {"monthly": {"data": [{"uid": "u1", "name": "A", "wagered": '
    b'{"today": 1, "this_week": 1, "this_month": Infinity, "all_time": 1}}]}}}',
    "negative": feed(row("u1", 10), row("u2", -5)),
    "boolean": feed(row("u1", True)),
    "exponent string": feed(row("u1", "1e5")),
    "float string with spaces": feed(row("u1", " 10")),
    "list value": feed(row("u1", [1])),
    "null value": feed(row("u1", None)),
    "huge": feed(row("u1", 10**20)),
    "missing key": json.dumps(
        {"data": {"monthly": {"data": [{"uid": "u1", "name": "A", "wagered": {"today": 1}}]}}}
    ).encode(),
    "uid not a string": feed(row(12345, 10)),
    "empty uid": feed(row("", 10)),
    "name missing": json.dumps(
        {"data": {"monthly": {"data": [{"uid": "u1", "wagered": row("u1")["wagered"]}]}}}
    ).encode(),
    "duplicate uid": feed(row("u1", 10), row("u1", 20)),
    "data not a list": b'{"data": {"monthly": {"data": {"uid": "u1"}}}}',
    "no data": b'{"status": "success"}',
    "top level list": b"[1, 2, 3]",
    "HTML": b"<html><body>Bad gateway</body></html>",
    "truncated": feed(row("u1", 10), row("u2", 20))[:-20],
    "empty": b"",
    "deep nesting": b"[" * 100_000 + b"]" * 100_000,
}


@pytest.mark.parametrize("body", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_answer_is_rejected_whole_and_changes_nothing(feed_settings, body, caplog):
    race = RaceFactory()
    first = ExternalAccountFactory(uid="u1")
    second = ExternalAccountFactory(uid="u2")
    ParticipantFactory(race=race, user=first.user, total=Decimal("7.00"))
    before = snapshot()
    with stats_server((200, body)) as fake, caplog.at_level(logging.WARNING):
        feed_settings.RACE_STATS_URL = fake.url
        with pytest.raises(RaceFeedFailed):
            race_stats_sync()
    assert snapshot() == before
    assert not RaceParticipant.objects.filter(user=second.user).exists()
    assert Notification.objects.count() == 0
    assert "race stats rejected" in caplog.text
    assert TOKEN not in caplog.text


def test_an_answer_over_the_size_limit_is_rejected(feed_settings):
    race = RaceFactory()
    account = ExternalAccountFactory(uid="u1")
    padding = [row(f"x{i}", 1) for i in range(130_000)]  # about 10 MB
    body = feed(row("u1", 50), *padding)
    assert len(body) > 10 * 1024 * 1024
    with stats_server((200, body)) as fake:
        feed_settings.RACE_STATS_URL = fake.url
        with pytest.raises(RaceFeedFailed, match="RACE_STATS_MAX_BYTES"):
            race_stats_sync()
    assert not RaceParticipant.objects.filter(race=race, user=account.user).exists()


def test_server_errors_are_retried_three_times_then_given_up(feed_settings):
    race = RaceFactory()
    account = ExternalAccountFactory(uid="u1")
    with stats_server((500, b"oops"), (502, b"oops"), (200, feed(row("u1", 30)))) as fake:
        feed_settings.RACE_STATS_URL = fake.url
        report = race_stats_sync()
    assert len(fake.requests) == 3
    assert (report.rows, report.races, report.updated) == (1, 1, 1)
    assert RaceParticipant.objects.get(race=race, user=account.user).total == Decimal("30.00")

    with stats_server((503, b"down")) as fake:
        feed_settings.RACE_STATS_URL = fake.url
        with pytest.raises(RaceFeedFailed, match="Three tries failed"):
            race_stats_sync()
    assert len(fake.requests) == 3


def test_a_client_error_is_not_retried(feed_settings):
    with stats_server((404, b"{}")) as fake:
        feed_settings.RACE_STATS_URL = fake.url
        with pytest.raises(RaceFeedFailed, match="HTTP 404"):
            race_stats_sync()
    assert len(fake.requests) == 1


def test_a_wrong_token_is_refused_and_never_logged(feed_settings, caplog):
    with stats_server((200, feed())) as fake, caplog.at_level(logging.DEBUG):
        feed_settings.RACE_STATS_URL = fake.url
        feed_settings.RACE_STATS_API_KEY = "wrong-secret-token"
        with pytest.raises(RaceFeedFailed, match="HTTP 401"):
            race_stats_sync()
    assert "wrong-secret-token" not in caplog.text


def test_an_unreachable_feed_is_tried_three_times(feed_settings, caplog):
    with stats_server((200, feed())) as fake:
        url = fake.url
    feed_settings.RACE_STATS_URL = url  # the server is gone now: connection refused
    with caplog.at_level(logging.WARNING), pytest.raises(RaceFeedFailed, match="request failed"):
        race_stats_sync()
    assert caplog.text.count("try ") == 3


def test_without_a_url_the_command_fails_and_the_task_does_nothing(settings, caplog):
    settings.RACE_STATS_URL = ""
    with pytest.raises(CommandError, match="RACE_STATS_URL is not set"):
        call_command("sync_race_stats")
    with caplog.at_level(logging.INFO):
        assert tasks.sync_race_stats() == {"skipped": "not configured"}
    assert "RACE_STATS_URL is not set" in caplog.text


@pytest.mark.parametrize(
    ("url", "allow_private", "message"),
    [
        ("http://stats.example.com/api", False, "must be an https"),
        ("https://127.0.0.1/api", False, "not a public address"),
        ("https://10.1.2.3/api", False, "not a public address"),
        ("ftp://127.0.0.1/api", True, "Only http"),
    ],
)
def test_unsafe_feed_urls_are_refused_before_any_request(settings, url, allow_private, message):
    settings.RACE_STATS_URL = url
    settings.RACE_STATS_ALLOW_PRIVATE = allow_private
    with pytest.raises(RaceFeedNotConfigured, match=message):
        race_stats_sync()


def test_only_verified_active_accounts_join_and_unknown_uids_are_ignored(feed_settings):
    race = RaceFactory()
    verified = ExternalAccountFactory(uid="v1")
    ExternalAccountFactory(uid="pending", verified_at=None)
    ExternalAccountFactory(uid="suspended", user=UserFactory(status=User.Status.SUSPENDED))
    body = feed(row("v1", 10), row("pending", 99), row("suspended", 99), row("stranger", 500))
    with stats_server((200, body)) as fake:
        feed_settings.RACE_STATS_URL = fake.url
        report = race_stats_sync()
    assert report.updated == 1
    assert list(race.participants.values_list("user_id", "total")) == [
        (verified.user_id, Decimal("10.00"))
    ]


def test_each_race_ranks_by_its_own_metric_and_minimum(feed_settings):
    weekly = RaceFactory(metric=Race.Metric.THIS_WEEK, min_metric=Decimal("100"))
    upcoming = RaceFactory(status=Race.Status.UPCOMING)
    completed = RaceFactory(status=Race.Status.COMPLETED)
    ended = RaceFactory(ends_at=timezone.now() - timedelta(seconds=1))
    a, b = ExternalAccountFactory(uid="a"), ExternalAccountFactory(uid="b")
    body = feed(row("a", 5, this_week=150), row("b", 900, this_week=99.5))
    with stats_server((200, body)) as fake:
        feed_settings.RACE_STATS_URL = fake.url
        race_stats_sync()
    rows = {p.user_id: p for p in weekly.participants.all()}
    assert (rows[a.user_id].total, rows[a.user_id].rank) == (Decimal("150.00"), 1)
    assert (rows[b.user_id].total, rows[b.user_id].rank) == (Decimal("99.50"), None)
    assert rows[b.user_id].prize == Decimal("0.00")
    assert not upcoming.participants.exists() and not completed.participants.exists()
    assert not ended.participants.exists()


def test_growth_counts_from_the_first_sync_after_the_start(feed_settings):
    race = RaceFactory(metric=Race.Metric.GROWTH)
    account = ExternalAccountFactory(uid="g")
    with stats_server((200, feed(row("g", all_time=1000)))) as fake:
        feed_settings.RACE_STATS_URL = fake.url
        race_stats_sync()
        fake.answers = [(200, feed(row("g", all_time=1250.5)))]
        race_stats_sync()
        fake.answers = [(200, feed(row("g", all_time=900)))]  # a correction downwards
        race_stats_sync()
    mine = race.participants.get(user=account.user)
    assert mine.baseline == Decimal("1000.00")
    assert [p["total"] for p in mine.history] == ["0.00", "250.50", "0.00"]


def test_history_keeps_only_the_latest_points(feed_settings):
    feed_settings.RACE_HISTORY_POINTS = 3
    race = RaceFactory()
    account = ExternalAccountFactory(uid="h")
    with stats_server((200, feed(row("h", 1)))) as fake:
        feed_settings.RACE_STATS_URL = fake.url
        for total in range(1, 6):
            fake.answers = [(200, feed(row("h", total)))]
            race_stats_sync()
    history = race.participants.get(user=account.user).history
    assert [p["total"] for p in history] == ["3.00", "4.00", "5.00"]


def test_shoppers_are_told_when_they_enter_or_leave_the_prize_places(
    feed_settings, django_capture_on_commit_callbacks
):
    race = RaceFactory(prize_distribution=[{"ranks": "1", "percent": "100"}])
    a, b = ExternalAccountFactory(uid="a"), ExternalAccountFactory(uid="b")
    with stats_server((200, feed(row("a", 10), row("b", 5)))) as fake:
        feed_settings.RACE_STATS_URL = fake.url
        with django_capture_on_commit_callbacks(execute=True):
            race_stats_sync()
        assert list(Notification.objects.values_list("user_id", "title")) == [
            (a.user_id, f"You are in the prize places of {race.title}")
        ]
        Notification.objects.all().delete()
        fake.answers = [(200, feed(row("a", 10), row("b", 50)))]
        with django_capture_on_commit_callbacks(execute=True):
            race_stats_sync()
        assert sorted(Notification.objects.values_list("user_id", "title")) == sorted(
            [
                (b.user_id, f"You are in the prize places of {race.title}"),
                (a.user_id, f"You dropped out of the prize places of {race.title}"),
            ]
        )
        Notification.objects.all().delete()
        fake.answers = [(200, feed(row("a", 11), row("b", 51)))]
        with django_capture_on_commit_callbacks(execute=True):
            race_stats_sync()
    assert Notification.objects.count() == 0  # ranks unchanged: nothing to say


def test_the_beat_task_syncs_and_reports_a_rejection(feed_settings):
    race = RaceFactory()
    account = ExternalAccountFactory(uid="t1")
    with stats_server((200, feed(row("t1", 12)))) as fake:
        feed_settings.RACE_STATS_URL = fake.url
        assert tasks.sync_race_stats() == {"rows": 1, "races": 1, "updated": 1}
        fake.answers = [(200, b"<html>")]
        assert tasks.sync_race_stats() == {"rejected": "The answer is not JSON."}
    assert race.participants.get(user=account.user).total == Decimal("12.00")
