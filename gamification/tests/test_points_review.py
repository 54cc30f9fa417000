"""Review of points corrections: a form's key belongs to the shopper it corrected."""

import pytest
from django.contrib.auth.models import Group

from accounts.tests.factories import StaffFactory, UserFactory
from gamification.models import Activity
from gamification.services.points import points_balance

pytestmark = pytest.mark.django_db

CORRECT = "/admin/gamification/activity/correct/"


def test_the_same_correction_form_resent_for_another_shopper_corrects_that_shopper(client):
    staff = StaffFactory()
    staff.groups.add(Group.objects.get(name="Finance"))
    client.force_login(staff)
    first, second = UserFactory(), UserFactory()
    form = {"points": "50", "reason": "Missing award", "key": "form-1"}

    client.post(CORRECT, {**form, "email": first.email})
    # Back in the browser, another email typed into the same form, sent again.
    answer = client.post(CORRECT, {**form, "email": second.email}, follow=True)

    assert f"Corrected: {second.email} +50 points." in answer.content.decode()
    assert points_balance(first) == (50, 50)
    assert points_balance(second) == (50, 50)
    assert sorted(Activity.objects.values_list("user_id", "points")) == sorted(
        [(first.pk, 50), (second.pk, 50)]
    )
