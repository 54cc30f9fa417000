"""Real threads on PostgreSQL: two "read all" at once move the counter by the rows they
changed, together exactly the unread ones, never below zero."""

import pytest

from accounts.tests.factories import UserFactory
from config.testing import race
from support.models import Notification, NotificationInbox
from support.services.notifications import notifications_mark_read

from .factories_notifications import notifications_for

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_ten_simultaneous_read_all_mark_each_row_once():
    user = UserFactory()
    rows = notifications_for(user, 50)

    results = race(
        10,
        lambda i: (
            notifications_mark_read(user)
            if i % 2
            else notifications_mark_read(user, [row.pk for row in rows[:30]])
        ),
    )

    errors = [r for r in results if isinstance(r, Exception)]
    assert errors == []
    assert sum(marked for marked, _ in results) == 50
    assert NotificationInbox.objects.get(pk=user.pk).unread == 0
    assert Notification.objects.filter(user=user, read_at__isnull=True).count() == 0
