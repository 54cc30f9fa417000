"""Review of challenge approval's money: who may be paid a prize."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import StaffFactory
from gamification.admin.challenges import ChallengeAdmin
from gamification.models import Activity, Challenge
from gamification.services.challenges import NoWinnerSlots, challenge_entry_approve
from wallet.models import Transaction
from wallet.tests.factories import balances

from .factories_races import ChallengeEntryFactory, ChallengeFactory

pytestmark = pytest.mark.django_db

ENTRIES = reverse("admin:gamification_challengeentry_changelist")


@pytest.mark.parametrize(
    "change", [{"status": User.Status.SUSPENDED}, {"deleted_at": timezone.now()}]
)
def test_an_entry_of_a_suspended_or_deleted_shopper_is_not_paid(client, change):
    staff = StaffFactory()
    staff.groups.add(Group.objects.get(name="Finance"))
    client.force_login(staff)
    entry = ChallengeEntryFactory(challenge=ChallengeFactory(prize_amount=Decimal("7.50")))
    User.objects.filter(pk=entry.user_id).update(**change)

    response = client.post(
        ENTRIES,
        {"action": "approve", "_selected_action": [entry.pk], "reason": "nice"},
        follow=True,
    )

    assert "cannot receive bonuses" in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == "pending"
    assert balances(entry.user)["available"] == Decimal("0.00")
    assert not Transaction.objects.filter(kind="bonus.challenge").exists()
    assert not Activity.objects.filter(user_id=entry.user_id).exists()
    assert Challenge.objects.get(pk=entry.challenge_id).winners_count == 0


def test_editing_a_challenge_while_an_entry_is_approved_keeps_the_winner_count(client, monkeypatch):
    editor = StaffFactory()
    editor.groups.add(Group.objects.get(name="Content editor"))
    approver = StaffFactory()
    challenge = ChallengeFactory(max_winners=1, prize_amount=Decimal("5.00"))
    entries = [ChallengeEntryFactory(challenge=challenge) for _ in range(2)]
    saving = ChallengeAdmin.save_model

    def approved_meanwhile(self, request, obj, form, change):
        # Another staff member approves between the form loading the row and saving it.
        challenge_entry_approve(entry=entries[0], actor=approver)
        saving(self, request, obj, form, change)

    monkeypatch.setattr(ChallengeAdmin, "save_model", approved_meanwhile)
    client.force_login(editor)
    starts, ends = timezone.localtime(challenge.starts_at), timezone.localtime(challenge.ends_at)
    client.post(
        f"/admin/gamification/challenge/{challenge.pk}/change/",
        {
            "title": "Renamed",
            "description": challenge.description,
            "prize_amount": "5.00",
            "max_winners": "1",
            "starts_at_0": starts.strftime("%Y-%m-%d"),
            "starts_at_1": starts.strftime("%H:%M:%S"),
            "ends_at_0": ends.strftime("%Y-%m-%d"),
            "ends_at_1": ends.strftime("%H:%M:%S"),
            "status": "live",
        },
    )

    challenge.refresh_from_db()
    assert (challenge.title, challenge.winners_count) == ("Renamed", 1)
    with pytest.raises(NoWinnerSlots):
        challenge_entry_approve(entry=entries[1], actor=approver)
    assert Transaction.objects.filter(kind="bonus.challenge").count() == 1
