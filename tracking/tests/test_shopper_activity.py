"""The shopper dashboard's last 30 days: the shopper's own click-outs and the sales that
stand (pending or confirmed), each counted from one index range."""

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from tracking.selectors import shopper_recent_activity

from . import offer_stats_fixture
from .offer_stats_fixture import clicks

pytestmark = pytest.mark.django_db


@pytest.fixture
def shopper():
    figures = offer_stats_fixture.build()
    # Other shoppers' clicks fill the fixture; these are the shopper's own.
    clicks(figures.acme_ten, figures.acme, 3, days_ago=0, user=figures.shopper)
    clicks(None, figures.bolt, 2, days_ago=29, user=figures.shopper)
    clicks(figures.bolt_deal, figures.bolt, 4, days_ago=30, user=figures.shopper)
    return figures.shopper


def test_the_dashboard_shows_the_shoppers_own_30_days(client, shopper):
    client.force_login(shopper)

    html = client.get(reverse("dashboard")).content.decode()

    # Sales: pending today, confirmed 10 days ago, pending 29 days ago, store-wide
    # confirmed 5 days ago, pending and confirmed yesterday. Not the two rejected, the
    # reversed one, nor the sale 40 days ago.
    assert (
        'Last 30 days: <strong data-test="recent-clicks">5</strong> clicks to stores, '
        '<strong data-test="recent-sales">6</strong> purchases tracked (pending or confirmed).'
    ) in html


def test_a_new_shopper_has_none(client):
    client.force_login(UserFactory())

    html = client.get(reverse("dashboard")).content.decode()

    assert (
        '<strong data-test="recent-clicks">0</strong> clicks to stores, '
        '<strong data-test="recent-sales">0</strong> purchases tracked'
    ) in html


def test_two_counts_whatever_the_history(shopper, django_assert_num_queries):
    with django_assert_num_queries(2):
        activity = shopper_recent_activity(user=shopper)

    assert (activity.days, activity.clicks, activity.sales) == (30, 5, 6)


def test_the_dashboards_query_count_holds(client, shopper, django_assert_num_queries):
    client.force_login(shopper)
    client.get(reverse("dashboard"))

    # The user; balances; lifetime earned; recent events; upcoming; the chart; the
    # 30 days' clicks and sales.
    # (the header's unread count: one read of the counter row by primary key)
    with django_assert_num_queries(9):
        assert client.get(reverse("dashboard")).status_code == 200
