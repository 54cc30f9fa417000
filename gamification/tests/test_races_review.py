"""Review of race completion's money: who may take a prize."""

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import StaffFactory
from gamification.admin.races import RaceAdmin
from gamification.models import Race
from gamification.services.races import race_complete, races_tick
from wallet.models import Transaction
from wallet.tests.factories import balances

from .factories_races import ParticipantFactory, RaceFactory

pytestmark = pytest.mark.django_db


def _prize_keys(race):
    return sorted(
        Transaction.objects.filter(idempotency_key__startswith=f"race:{race.pk}:").values_list(
            "idempotency_key", flat=True
        )
    )


def test_a_suspended_or_deleted_participant_takes_no_prize_and_the_next_moves_up():
    race = RaceFactory(ends_at=timezone.now() - timedelta(minutes=1))
    suspended = ParticipantFactory(race=race, total=Decimal("500"))
    deleted = ParticipantFactory(race=race, total=Decimal("400"))
    honest = ParticipantFactory(race=race, total=Decimal("100"))
    User.objects.filter(pk=suspended.user_id).update(status=User.Status.SUSPENDED)
    User.objects.filter(pk=deleted.user_id).update(deleted_at=timezone.now())

    archive = race_complete(race=race)

    # The pool is 100.00: rank 1 takes 50%, ranks 2-3 20% each.
    assert balances(suspended.user)["available"] == Decimal("0.00")
    assert balances(deleted.user)["available"] == Decimal("0.00")
    assert balances(honest.user)["available"] == Decimal("50.00")
    assert _prize_keys(race) == [f"race:{race.pk}:{honest.user_id}"]
    assert [(r["rank"], r["user_id"], r["prize"]) for r in archive.standings] == [
        (1, honest.user_id, "50.00")
    ]


def test_participants_who_scored_nothing_share_no_prize():
    # A growth race nobody played: every total is 0.00, over the default minimum of 0.
    race = RaceFactory(ends_at=timezone.now() - timedelta(minutes=1), metric="growth")
    idle = [ParticipantFactory(race=race, total=Decimal("0.00")) for _ in range(3)]
    player = ParticipantFactory(race=race, total=Decimal("0.01"))

    archive = race_complete(race=race)

    assert balances(player.user)["available"] == Decimal("50.00")
    assert [balances(p.user)["available"] for p in idle] == [Decimal("0.00")] * 3
    assert _prize_keys(race) == [f"race:{race.pk}:{player.user_id}"]
    assert archive.prizes_paid == Decimal("50.00")


def test_staff_cannot_complete_a_race_they_take_part_in(client):
    # Finance holds complete_race; a member taking part in the race is refused.
    editor = StaffFactory()
    editor.groups.add(Group.objects.get(name="Finance"))
    client.force_login(editor)
    # Still running: completing now would freeze the editor's lead into a prize.
    race = RaceFactory()
    ParticipantFactory(race=race, user=editor, total=Decimal("900"))
    other = ParticipantFactory(race=race, total=Decimal("800"))

    response = client.post(
        "/admin/gamification/race/",
        {"action": "complete_now", "_selected_action": [race.pk]},
        follow=True,
    )

    assert "own account" in response.content.decode()
    race.refresh_from_db()
    assert race.status == Race.Status.LIVE
    assert balances(editor)["available"] == Decimal("0.00")
    assert balances(other.user)["available"] == Decimal("0.00")
    assert _prize_keys(race) == []


def test_a_weekend_race_repeats_on_the_next_weekend_not_on_monday():
    saturday = datetime(2026, 11, 28, 0, 0, tzinfo=UTC)
    race = RaceFactory(
        type=Race.Type.WEEKEND,
        repeat=True,
        starts_at=saturday,
        ends_at=saturday + timedelta(days=2),
    )
    race_complete(race=race)
    following = Race.objects.exclude(pk=race.pk).get()
    assert (following.starts_at, following.ends_at) == (
        saturday + timedelta(days=7),
        saturday + timedelta(days=9),
    )
    assert following.starts_at.weekday() == 5


def test_editing_a_race_while_it_completes_does_not_bring_it_back_to_live(client, monkeypatch):
    editor = StaffFactory()
    editor.groups.add(Group.objects.get(name="Content editor"))
    race = RaceFactory(ends_at=timezone.now() - timedelta(minutes=1))
    leader = ParticipantFactory(race=race, total=Decimal("300"))
    saving = RaceAdmin.save_model

    def completed_meanwhile(self, request, obj, form, change):
        # The clock completes the race between the form loading the row and saving it.
        race_complete(race=race)
        saving(self, request, obj, form, change)

    monkeypatch.setattr(RaceAdmin, "save_model", completed_meanwhile)
    client.force_login(editor)
    starts, ends = timezone.localtime(race.starts_at), timezone.localtime(race.ends_at)
    client.post(
        f"/admin/gamification/race/{race.pk}/change/",
        {
            "title": "Renamed",
            "slug": race.slug,
            "type": race.type,
            "metric": race.metric,
            "prize_pool": "100.00",
            "prize_distribution": json.dumps(race.prize_distribution),
            "min_metric": "0",
            "starts_at_0": starts.strftime("%Y-%m-%d"),
            "starts_at_1": starts.strftime("%H:%M:%S"),
            "ends_at_0": ends.strftime("%Y-%m-%d"),
            "ends_at_1": ends.strftime("%H:%M:%S"),
            "description": "",
            "rules": "",
            "participants-TOTAL_FORMS": "0",
            "participants-INITIAL_FORMS": "0",
        },
    )

    race.refresh_from_db()
    assert (race.title, race.status) == ("Renamed", Race.Status.COMPLETED)
    assert race.completed_at is not None
    assert races_tick()["completed"] == 0
    assert balances(leader.user)["available"] == Decimal("50.00")
