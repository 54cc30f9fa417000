from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import AuditLog, StatusChange
from accounts.tests.factories import StaffFactory
from config.testing import race as run_race
from gamification.models import Activity, HistoricalRace, Race
from gamification.services import races as races_service
from gamification.services.race_scores import scores_for_race
from gamification.services.races import (
    RaceNotLive,
    parse_distribution,
    race_complete,
    race_prizes,
    race_rerank,
    races_tick,
)
from gamification.services.ranking import InvalidPrizeTable
from support.models import Notification
from wallet.models import Transaction
from wallet.tests.factories import balances

from .factories_races import (
    ChallengeEntryFactory,
    ExternalAccountFactory,
    ParticipantFactory,
    RaceFactory,
)

pytestmark = pytest.mark.django_db

RACES = reverse("admin:gamification_race_changelist")


def test_percentages_become_a_prize_table_rounded_down_within_the_pool():
    race = RaceFactory(
        prize_pool=Decimal("10.01"),
        prize_distribution=[
            {"ranks": "1", "percent": "33.33"},
            {"ranks": "2-3", "percent": "33.33"},
        ],
    )
    # 33.33% of 10.01 is 3.336333: each rank gets 3.33; 0.02 of the pool stays unpaid.
    assert race_prizes(race) == {1: Decimal("3.33"), 2: Decimal("3.33"), 3: Decimal("3.33")}


@pytest.mark.parametrize(
    ("distribution", "message"),
    [
        ([{"ranks": "1", "percent": "60"}, {"ranks": "2", "percent": "40.01"}], "more than 100"),
        ([{"ranks": "1-3", "percent": "34"}], "more than 100"),
        ([{"ranks": "1", "percent": "-5"}], "not negative"),
        ([{"ranks": "1", "percent": "abc"}], "not a number"),
        ([{"ranks": "1", "percent": 50.5}], "write it as a string"),
        ([{"ranks": "1", "percent": "10"}, {"ranks": "1", "percent": "10"}], "two prizes"),
        ([{"ranks": "0", "percent": "10"}], "use 1 or 2-3"),
        ([{"ranks": "1", "amount": "10"}], "Each row"),
        ({"ranks": "1", "percent": "10"}, "a list"),
    ],
)
def test_bad_distributions_are_refused(distribution, message):
    with pytest.raises(InvalidPrizeTable, match=message):
        parse_distribution(distribution)


def _finished_race(**fields):
    race = RaceFactory(ends_at=timezone.now() - timedelta(minutes=1), **fields)
    now = timezone.now()
    a = ParticipantFactory(race=race, total=Decimal("300"), reached_at=now - timedelta(hours=3))
    b = ParticipantFactory(race=race, total=Decimal("200"), reached_at=now - timedelta(hours=2))
    c = ParticipantFactory(race=race, total=Decimal("200"), reached_at=now - timedelta(hours=1))
    d = ParticipantFactory(race=race, total=Decimal("100"))
    below = ParticipantFactory(race=race, total=Decimal("5"))
    return race, a, b, c, d, below


def test_a_shopper_suspended_during_the_race_is_neither_ranked_nor_paid():
    race, a, b, c, d, _below = _finished_race(min_metric=Decimal("10"))
    a.user.status = "suspended"
    a.user.save(update_fields=["status"])

    race_complete(race=race)

    # B and C move up to a shared rank 1 (50.00 + 20.00 split); D is third.
    assert [balances(p.user)["available"] for p in (a, b, c, d)] == [
        Decimal("0.00"),
        Decimal("35.00"),
        Decimal("35.00"),
        Decimal("20.00"),
    ]
    a.refresh_from_db()
    assert (a.rank, a.prize) == (None, Decimal("0.00"))
    assert f"race:{race.pk}:{a.user_id}" not in _prizes_paid(race)


def _prizes_paid(race):
    return sorted(
        Transaction.objects.filter(
            kind="bonus.prize", idempotency_key__startswith=f"race:{race.pk}:"
        ).values_list("idempotency_key", flat=True)
    )


def test_completion_pays_shared_prizes_awards_points_and_archives_once():
    race, a, b, c, d, below = _finished_race(min_metric=Decimal("10"), repeat=True)
    archive = race_complete(race=race)

    # Rank 1 takes 50.00; B and C tie at rank 2 and share ranks 2 and 3 (20.00 + 20.00).
    assert [balances(p.user)["available"] for p in (a, b, c, d, below)] == [
        Decimal("50.00"),
        Decimal("20.00"),
        Decimal("20.00"),
        Decimal("0.00"),
        Decimal("0.00"),
    ]
    assert _prizes_paid(race) == sorted(f"race:{race.pk}:{p.user_id}" for p in (a, b, c))
    assert sorted(
        Activity.objects.filter(kind="race").values_list("user_id", "points", "idempotency_key")
    ) == sorted((p.user_id, 50, f"race-finish:{race.pk}:{p.user_id}") for p in (a, b, c, d))
    race.refresh_from_db()
    assert race.status == Race.Status.COMPLETED and race.completed_at is not None
    assert StatusChange.objects.filter(object_id=race.pk, to_status="completed").count() == 1
    assert archive.participant_count == 5
    assert archive.prizes_paid == Decimal("90.00")
    assert archive.total_metric == Decimal("800.00")
    assert [(r["rank"], r["score"], r["prize"]) for r in archive.standings] == [
        (1, "300.00", "50.00"),
        (2, "200.00", "20.00"),
        (2, "200.00", "20.00"),
        (4, "100.00", "0.00"),
    ]
    below.refresh_from_db()
    assert below.rank is None

    following = Race.objects.exclude(pk=race.pk).get()
    assert following.status == Race.Status.UPCOMING
    assert following.starts_at == race.ends_at
    assert following.ends_at - following.starts_at == race.ends_at - race.starts_at
    assert following.prize_distribution == race.prize_distribution and following.repeat

    # Again: nothing more happens.
    assert race_complete(race=race) is None
    assert len(_prizes_paid(race)) == 3
    assert HistoricalRace.objects.count() == 1
    assert Race.objects.count() == 2
    assert balances(a.user)["available"] == Decimal("50.00")


def test_a_monthly_race_repeats_for_the_next_calendar_month():
    start = timezone.now().replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    race = RaceFactory(
        type=Race.Type.MONTHLY,
        repeat=True,
        starts_at=start - timedelta(days=31),
        ends_at=start,
    )
    race_complete(race=race)
    following = Race.objects.exclude(pk=race.pk).get()
    assert (following.starts_at, following.ends_at) == (start, start.replace(month=2))
    assert following.slug == f"{slugify(race.title)}-{start:%Y-%m-%d}"


def test_a_completion_killed_half_way_leaves_nothing_and_the_rerun_pays_once(monkeypatch):
    race, a, *_ = _finished_race()

    def crash(*args, **kwargs):
        raise RuntimeError("worker killed")

    monkeypatch.setattr(races_service, "_archive", crash)
    with pytest.raises(RuntimeError):
        race_complete(race=race)
    race.refresh_from_db()
    assert race.status == Race.Status.LIVE
    assert _prizes_paid(race) == []
    assert not Activity.objects.filter(kind="race").exists()
    assert balances(a.user)["available"] == Decimal("0.00")

    monkeypatch.undo()
    race_complete(race=race)
    race_complete(race=race)
    assert len(_prizes_paid(race)) == 3
    assert balances(a.user)["available"] == Decimal("50.00")


def test_only_a_live_race_completes():
    race = RaceFactory(status=Race.Status.UPCOMING)
    with pytest.raises(RaceNotLive):
        race_complete(race=race)
    assert not HistoricalRace.objects.exists()


def test_the_clock_starts_and_completes_races():
    now = timezone.now()
    due = RaceFactory(status=Race.Status.UPCOMING, starts_at=now - timedelta(minutes=1))
    later = RaceFactory(status=Race.Status.UPCOMING, starts_at=now + timedelta(hours=1))
    over, *_ = _finished_race()
    assert races_tick(now=now) == {"started": 1, "completed": 1}
    due.refresh_from_db(), later.refresh_from_db(), over.refresh_from_db()
    assert (due.status, later.status, over.status) == ("live", "upcoming", "completed")
    assert StatusChange.objects.get(object_id=due.pk, to_status="live").reason == "clock"


def test_race_scores_feed_leaderboards_of_type_race():
    race, a, b, c, d, _below = _finished_race(min_metric=Decimal("10"))
    race_rerank(race)
    scores = {s.user_id: s.score for s in scores_for_race(race.slug)}
    assert scores == {
        a.user_id: Decimal("300.00"),
        b.user_id: Decimal("200.00"),
        c.user_id: Decimal("200.00"),
        d.user_id: Decimal("100.00"),
    }
    assert scores_for_race("no-such-race") == []


def _staff_client(client, role):
    staff = StaffFactory()
    staff.groups.add(Group.objects.get(name=role))
    client.force_login(staff)
    client.staff = staff
    return client


@pytest.fixture
def editor(client):
    return _staff_client(client, "Content editor")


@pytest.fixture
def finance(client):
    return _staff_client(client, "Finance")


def test_content_editors_cannot_complete_races(editor):
    # Completing pays the prizes: the editors write the rules, Finance pays.
    race, a, *_ = _finished_race()
    response = editor.post(RACES, {"action": "complete_now", "_selected_action": [race.pk]})
    assert response.status_code == 200  # the changelist again: no such action for them
    race.refresh_from_db()
    assert race.status == Race.Status.LIVE
    assert balances(a.user)["available"] == Decimal("0.00")
    assert not Transaction.objects.exists()


def test_complete_now_in_the_admin_pays_and_is_audited(finance):
    editor = finance
    race, a, *_ = _finished_race()
    response = editor.post(RACES, {"action": "complete_now", "_selected_action": [race.pk]})
    assert response.status_code == 302
    race.refresh_from_db()
    assert race.status == Race.Status.COMPLETED
    assert balances(a.user)["available"] == Decimal("50.00")
    assert AuditLog.objects.filter(
        actor=editor.staff, action="race.complete", entity_id=str(race.pk)
    ).exists()
    assert StatusChange.objects.get(object_id=race.pk, to_status="completed").actor == editor.staff


def test_complete_now_on_an_upcoming_race_says_why(finance):
    editor = finance
    race = RaceFactory(status=Race.Status.UPCOMING)
    response = editor.post(
        RACES, {"action": "complete_now", "_selected_action": [race.pk]}, follow=True
    )
    assert "only a live race completes" in response.content.decode()
    race.refresh_from_db()
    assert race.status == Race.Status.UPCOMING


def test_support_agents_cannot_complete_races(client):
    agent = StaffFactory()
    agent.groups.add(Group.objects.get(name="Support agent"))
    client.force_login(agent)
    race, a, *_ = _finished_race()
    client.post(RACES, {"action": "complete_now", "_selected_action": [race.pk]})
    race.refresh_from_db()
    assert race.status == Race.Status.LIVE
    assert balances(a.user)["available"] == Decimal("0.00")


def _race_form(**overrides):
    now = timezone.now()
    return {
        "title": "Weekend",
        "slug": "weekend",
        "type": "weekend",
        "metric": "today",
        "min_metric": "0",
        "starts_at_0": now.strftime("%Y-%m-%d"),
        "starts_at_1": "10:00:00",
        "ends_at_0": (now + timedelta(days=2)).strftime("%Y-%m-%d"),
        "ends_at_1": "10:00:00",
        "participants-TOTAL_FORMS": "0",
        "participants-INITIAL_FORMS": "0",
        **overrides,
    }


def test_content_editors_cannot_set_a_race_prize_pool(editor):
    # The clock completes the race and pays the pool: editors write the rules only.
    pool = {
        "prize_pool": "100000.00",
        "prize_distribution": '[{"ranks": "1", "percent": "100"}]',
        "repeat": "on",
    }
    response = editor.post(reverse("admin:gamification_race_add"), _race_form(**pool))
    assert response.status_code == 302
    race = Race.objects.get(slug="weekend")
    assert (race.prize_pool, race.prize_distribution, race.repeat) == (Decimal("0.00"), [], False)

    race.prize_pool = Decimal("50.00")
    race.save()
    change = reverse("admin:gamification_race_change", args=[race.pk])
    response = editor.post(change, _race_form(title="Renamed", **pool))
    assert response.status_code == 302
    race.refresh_from_db()
    assert (race.title, race.prize_pool, race.prize_distribution, race.repeat) == (
        "Renamed",
        Decimal("50.00"),
        [],
        False,
    )


def test_the_admin_refuses_a_distribution_over_100_percent(finance):
    now = timezone.now()
    response = finance.post(
        reverse("admin:gamification_race_add"),
        {
            "title": "Weekend",
            "slug": "weekend",
            "type": "weekend",
            "metric": "today",
            "prize_pool": "50.00",
            "prize_distribution": '[{"ranks": "1-2", "percent": "60"}]',
            "min_metric": "0",
            "starts_at_0": now.strftime("%Y-%m-%d"),
            "starts_at_1": "10:00:00",
            "ends_at_0": (now + timedelta(days=2)).strftime("%Y-%m-%d"),
            "ends_at_1": "10:00:00",
            "participants-TOTAL_FORMS": "0",
            "participants-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "more than 100" in response.content.decode()
    assert not Race.objects.filter(slug="weekend").exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_completions_at_once_pay_once_on_postgres():
    race, a, _b, _c, _d, _below = _finished_race()
    results = run_race(2, lambda i: race_complete(race=Race.objects.get(pk=race.pk)))
    assert sum(isinstance(r, HistoricalRace) for r in results) == 1
    assert results.count(None) == 1
    assert len(_prizes_paid(race)) == 3
    assert balances(a.user)["available"] == Decimal("50.00")
    assert HistoricalRace.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_completion_killed_half_way_on_postgres_pays_once_on_rerun(monkeypatch):
    race, _a, b, *_ = _finished_race()

    def crash(*args, **kwargs):
        raise RuntimeError("worker killed")

    monkeypatch.setattr(races_service, "_archive", crash)
    with pytest.raises(RuntimeError):
        race_complete(race=race)
    assert _prizes_paid(race) == []
    monkeypatch.undo()
    race_complete(race=race)
    race_complete(race=race)
    assert len(_prizes_paid(race)) == 3
    assert balances(b.user)["available"] == Decimal("20.00")


def test_winners_are_told_after_the_commit(django_capture_on_commit_callbacks):
    race, a, b, c, d, _below = _finished_race()
    with django_capture_on_commit_callbacks(execute=True):
        race_complete(race=race)
    assert sorted(Notification.objects.values_list("user_id", "body")) == sorted(
        [
            (a.user_id, "Your prize of 50.00 is in your balance."),
            (b.user_id, "Your prize of 20.00 is in your balance."),
            (c.user_id, "Your prize of 20.00 is in your balance."),
        ]
    )
    assert not Notification.objects.filter(user=d.user).exists()


@pytest.mark.parametrize(
    "model", ["race", "externalaccount", "historicalrace", "challenge", "challengeentry"]
)
def test_every_races_admin_page_renders(admin_client, model):
    race, *_ = _finished_race()
    race_complete(race=race)
    ExternalAccountFactory()
    ChallengeEntryFactory()
    changelist = admin_client.get(reverse(f"admin:gamification_{model}_changelist"))
    assert changelist.status_code == 200
    obj = changelist.context["cl"].result_list[0]
    change = admin_client.get(reverse(f"admin:gamification_{model}_change", args=[obj.pk]))
    assert change.status_code == 200
