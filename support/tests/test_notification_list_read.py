"""The list and the unread counter: exact marks, others' ids ignored, constant queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import UserFactory
from support.models import Notification, NotificationInbox
from support.services.notifications import notifications_mark_read, notifications_page

from .factories_notifications import notifications_for

pytestmark = pytest.mark.django_db


def _unread(user):
    return (
        NotificationInbox.objects.get(pk=user.pk).unread,
        Notification.objects.filter(user=user, read_at__isnull=True).count(),
    )


def test_marking_some_counts_only_the_callers_unread_rows():
    user, other = UserFactory(), UserFactory()
    mine = notifications_for(user, 5)
    theirs = notifications_for(other, 3)

    marked, left = notifications_mark_read(
        user, [mine[0].pk, mine[1].pk, mine[1].pk, theirs[0].pk, 10**12]
    )

    assert (marked, left) == (2, 3)
    assert _unread(user) == (3, 3)
    assert _unread(other) == (3, 3)  # another's id changed nothing
    # again: already read, nothing moves
    assert notifications_mark_read(user, [mine[0].pk]) == (0, 3)
    assert notifications_mark_read(user, []) == (0, 3)
    assert notifications_mark_read(user) == (3, 0)
    assert _unread(user) == (0, 0)
    assert notifications_mark_read(user) == (0, 0)


def test_the_list_walks_older_pages_by_id():
    user = UserFactory()
    rows = notifications_for(user, 45)
    newest_first = [row.pk for row in reversed(rows)]

    first = notifications_page(user)
    second = notifications_page(user, before=first.older_than)
    third = notifications_page(user, before=second.older_than)

    assert [n.pk for n in first.items] == newest_first[:20]
    assert [n.pk for n in second.items] == newest_first[20:40]
    assert [n.pk for n in third.items] == newest_first[40:]
    assert third.older_than is None


def _page_queries(client, user):
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/notifications/")
    assert response.status_code == 200
    return response, [q["sql"] for q in queries.captured_queries]


def test_page_and_header_cost_the_same_for_10_and_200_notifications(client):
    few, many = UserFactory(), UserFactory()
    notifications_for(few, 10)
    notifications_for(many, 200)

    _page_queries(client, few)  # warm: the footer's pages are cached after a first page
    few_page, few_sql = _page_queries(client, few)
    many_page, many_sql = _page_queries(client, many)

    assert len(few_sql) == len(many_sql)
    assert not any("COUNT(" in sql.upper() for sql in many_sql)
    assert 'data-test="unread-count">200<' in many_page.content.decode()
    assert 'data-test="unread-count">10<' in few_page.content.decode()
    assert many_page.content.decode().count('data-test="notification"') == 20
    assert 'data-test="older"' in many_page.content.decode()
    assert 'data-test="older"' not in few_page.content.decode()


def test_no_count_in_the_header_when_nothing_is_unread(client):
    user = UserFactory()
    notifications_for(user, 3, unread=False)
    client.force_login(user)

    page = client.get("/notifications/").content.decode()

    assert 'data-test="unread-count"' not in page
    assert page.count('data-test="notification"') == 3


def test_anonymous_pages_read_no_counter(client, django_assert_num_queries):
    with CaptureQueriesContext(connection) as queries:
        client.get("/accounts/login/")
    assert not any("support_notificationinbox" in q["sql"] for q in queries.captured_queries)


def test_mark_all_read_page_post(client):
    user, other = UserFactory(), UserFactory()
    notifications_for(user, 4)
    notifications_for(other, 2)
    client.force_login(user)

    response = client.post("/notifications/read/")

    assert response.status_code == 302
    assert _unread(user) == (0, 0)
    assert _unread(other) == (2, 2)
    assert client.get("/notifications/read/").status_code == 405


def test_only_relative_urls_are_links(client):
    user = UserFactory()
    for n, url in enumerate(
        ["/wallet/", "https://evil.example/", "//evil.example/x", "javascript:alert(1)"]
    ):
        Notification.objects.create(
            user=user, category="support", key=f"u{n}", title=f"T{n}", url=url
        )
    client.force_login(user)

    page = client.get("/notifications/").content.decode()

    assert '<a href="/wallet/">T0</a>' in page
    assert "evil.example" not in page and "javascript:" not in page


def test_the_list_needs_a_login(client):
    assert client.get("/notifications/").status_code == 302
    assert client.post("/notifications/read/").status_code == 302
