"""Nobody verifies their own KYC: a verified record unlocks bank payouts and withdrawals
above the KYC threshold, so a Finance member verifying itself is self-dealing."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import AuditLog, StatusChange, UserKyc

from .factories import KycFactory, StaffFactory, SuperuserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("action", "reason"), [("verify", ""), ("reject", "blurry scan")])
@pytest.mark.parametrize("who", ["Finance", "superuser"])
def test_staff_cannot_review_its_own_kyc_and_nothing_changes(client, who, action, reason):
    if who == "superuser":
        staff = SuperuserFactory()
    else:
        staff = StaffFactory()
        staff.groups.add(Group.objects.get(name=who))
    kyc = KycFactory(user=staff)
    client.force_login(staff)
    before = (AuditLog.objects.count(), StatusChange.objects.count())

    response = client.post(
        reverse("admin:accounts_userkyc_changelist"),
        {"action": action, "_selected_action": [kyc.pk], "reason": reason},
        follow=True,
    )

    assert response.status_code == 200
    assert "your own" in response.content.decode()
    kyc.refresh_from_db()
    assert (kyc.status, kyc.reviewed_by_id) == (UserKyc.Status.PENDING, None)
    assert (AuditLog.objects.count(), StatusChange.objects.count()) == before
