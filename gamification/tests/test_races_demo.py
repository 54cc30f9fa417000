from decimal import Decimal

import pytest

from accounts import demo as accounts_demo
from gamification.demo import races as races_demo
from gamification.models import Challenge, ExternalAccount, Race, RaceParticipant

pytestmark = pytest.mark.django_db


def test_the_demo_race_and_challenge_are_seeded_and_reseeded_the_same():
    accounts_demo.seed()
    for _ in range(2):
        races_demo.seed()
    race = Race.objects.get(slug="demo-race")
    assert (race.status, race.type, race.metric) == ("live", "monthly", "this_month")
    link = ExternalAccount.objects.get(uid=races_demo.DEMO_UID)
    assert link.user.email == "demo@savebucks.test" and link.verified_at is not None
    standings = RaceParticipant.objects.filter(race=race).order_by("rank", "id")
    assert list(standings.values_list("rank", "total")) == [
        (1, Decimal("61000.00")),
        (2, Decimal("45000.00")),
        (3, Decimal("38000.00")),
        (3, Decimal("38000.00")),
        (5, Decimal("12500.00")),
    ]
    assert Challenge.objects.filter(status="live").count() == 1
    assert Race.objects.count() == 1


@pytest.mark.parametrize("today", ["2026-12-01T22:00:00+00:00", "2026-12-20T09:00:00+00:00"])
def test_the_demo_race_chart_starts_with_the_race(today):
    # Walking the demo on the 1st of the month: the chart of a race starting Dec 1
    # plotted totals from Nov 28, 29 and 30.
    from datetime import datetime
    from unittest import mock

    from django.utils import timezone

    now = datetime.fromisoformat(today)
    accounts_demo.seed()
    with mock.patch.object(timezone, "now", return_value=now):
        races_demo.seed()
    race = Race.objects.get(slug="demo-race")
    for participant in RaceParticipant.objects.filter(race=race):
        points = [datetime.fromisoformat(p["at"]) for p in participant.history]
        assert len(points) == 4
        assert race.starts_at <= points[0] < points[-1] <= now
