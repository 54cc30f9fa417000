"""The shopper dashboard asks the database the same number of questions however much
history the shopper has: no query per event, per month or per store."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import UserFactory

from .factories import give_available, recorded_event

pytestmark = pytest.mark.django_db


def _queries(client, user) -> int:
    client.force_login(user)
    client.get(reverse("dashboard"))  # the session and caches warm
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("dashboard")).status_code == 200
    return len(captured)


def test_query_count_does_not_grow_with_history(client):
    quiet, busy = UserFactory(), UserFactory()
    recorded_event(quiet)
    for month in range(12):
        recorded_event(busy, age_days=30 * month)
        give_available(busy, "1.00")

    assert _queries(client, busy) == _queries(client, quiet)
