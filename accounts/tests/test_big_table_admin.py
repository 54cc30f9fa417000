"""Changelists over tables of millions of rows stay cheap: bounded counts, no scans."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.admin_base import CappedCountPaginator
from accounts.tests.factories import SuperuserFactory
from tracking.models import Click
from tracking.tests.factories import ClickFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(SuperuserFactory())
    return client


def test_counts_stop_at_the_cap(staff_client, monkeypatch):
    monkeypatch.setattr(CappedCountPaginator, "CAP", 3)
    for _ in range(5):
        ClickFactory()

    with CaptureQueriesContext(connection) as captured:
        page = staff_client.get(reverse("admin:tracking_click_changelist"))

    assert page.status_code == 200
    assert page.context["cl"].result_count == 3
    counts = [q["sql"] for q in captured if "COUNT(" in q["sql"].upper()]
    assert counts and all("LIMIT 3" in sql for sql in counts), counts
    assert not [q["sql"] for q in captured if "DATE_TRUNC" in q["sql"].upper()]


def test_a_date_range_filter_replaces_the_date_hierarchy(staff_client):
    recent, old = ClickFactory(), ClickFactory()
    Click.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))
    week_ago = timezone.now() - timedelta(days=7)

    page = staff_client.get(
        reverse("admin:tracking_click_changelist"), {"created_at__gte": week_ago.isoformat()}
    )

    assert [c.pk for c in page.context["cl"].result_list] == [recent.pk]
    assert "Past 7 days" in page.content.decode()
