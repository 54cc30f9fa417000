"""Review of challenge approval's money: who may be paid a prize."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import StaffFactory
from gamification.models import Activity, Challenge
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
