"""Real threads on PostgreSQL: notices arriving while "read all" runs, and a user's
first notices arriving at once, leave the counter equal to the unread rows."""

import pytest

from accounts.tests.factories import UserFactory
from config.testing import race
from support.models import Category, Notification, NotificationInbox
from support.services import notify
from support.services.notifications import notifications_mark_read

from .factories_notifications import notifications_for

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _unread_rows(user) -> int:
    return Notification.objects.filter(user=user, in_app=True, read_at__isnull=True).count()


def test_notices_arriving_during_read_all_stay_counted():
    user = UserFactory()
    notifications_for(user, 20)

    results = race(
        12,
        lambda i: (
            notifications_mark_read(user)
            if i % 3 == 0
            else notify(user=user, category=Category.SUPPORT, title=f"N{i}", key=f"k:{i}")
        ),
    )

    assert [r for r in results if isinstance(r, Exception)] == []
    assert Notification.objects.filter(user=user).count() == 28
    assert NotificationInbox.objects.get(pk=user.pk).unread == _unread_rows(user)


def test_a_users_first_notices_at_once_create_one_counter():
    user = UserFactory()

    results = race(
        8, lambda i: notify(user=user, category=Category.SUPPORT, title="N", key=f"k:{i}")
    )

    assert [r for r in results if isinstance(r, Exception)] == []
    assert NotificationInbox.objects.get(pk=user.pk).unread == 8 == _unread_rows(user)


def test_the_same_key_at_once_tells_once():
    user = UserFactory()

    results = race(
        8, lambda i: notify(user=user, category=Category.SUPPORT, title="N", key="k:same")
    )

    assert [r for r in results if isinstance(r, Exception)] == []
    assert sum(r is not None for r in results) == 1
    assert NotificationInbox.objects.get(pk=user.pk).unread == 1 == _unread_rows(user)
