import pytest

from accounts.tests.factories import UserFactory
from support.models import Notification
from support.services import notification_send, notifications_mark_read

pytestmark = pytest.mark.django_db


def test_mark_read_touches_only_the_callers_unread_notifications():
    me, other = UserFactory(), UserFactory()
    first = notification_send(user=me, title="Cashback confirmed", body="$4.00 is available")
    second = notification_send(user=me, title="Payout sent")
    theirs = notification_send(user=other, title="Not yours")

    assert notifications_mark_read(user=me, ids=[first.pk, theirs.pk]) == 1
    assert notifications_mark_read(user=me) == 1
    assert notifications_mark_read(user=me) == 0

    read = dict(Notification.objects.values_list("pk", "read_at"))
    assert read[first.pk] is not None
    assert read[second.pk] is not None
    assert read[theirs.pk] is None
