"""Activity on a phone: each table scrolls inside its own box, so the page itself keeps
the screen's width and the "Missing cashback?" link beside a trip stays reachable
(at 375 px the cashback table was 40 px wider than the screen, and the whole page slid)."""

import re

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from tracking.tests.factories import ClickFactory

pytestmark = pytest.mark.django_db


def test_both_activity_tables_scroll_in_their_own_box(client):
    shopper = UserFactory()
    ClickFactory(user=shopper)
    client.force_login(shopper)

    html = client.get(reverse("tracking:activity")).content.decode()

    for table in ("activity-cashback", "activity-clicks"):
        assert re.search(
            r'<div class="table-responsive">\s*<table [^>]*data-test="' + table + '"', html
        ), table
    assert html.count('data-test="missing-cashback"') == 1
