import pytest

from accounts.tests.factories import UserFactory
from gamification.models import Activity
from gamification.services import activity_record

pytestmark = pytest.mark.django_db


def test_activity_record_stores_points_and_reads_nicely():
    user = UserFactory(email="gamer@example.com")

    activity = activity_record(user=user, kind="daily_bonus", points=15, metadata={"day": 3})

    stored = Activity.objects.get()
    assert (stored.user, stored.kind, stored.points, stored.metadata) == (
        user,
        "daily_bonus",
        15,
        {"day": 3},
    )
    assert str(activity) == "gamer@example.com daily_bonus (+15)"
