"""Deliveries in the admin, as staff use it: failures listed with their error, "retry"
re-queues them (audited) for a Support agent; a Content editor sees none of it."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditLog
from accounts.tests.factories import StaffFactory, UserFactory
from support.models import Category, NotificationDelivery, NotificationPreference
from support.services import notify

pytestmark = pytest.mark.django_db
Status = NotificationDelivery.Status
DELIVERIES = reverse("admin:support_notificationdelivery_changelist")


def staff_in(client, role):
    staff = StaffFactory()
    staff.groups.add(Group.objects.get(name=role))
    client.force_login(staff)
    return staff


def _delivery(status, error="", **fields):
    row = notify(
        user=UserFactory(), category=Category.SUPPORT, title="Hi", key=f"k:{status}:{error}"
    )
    delivery = NotificationDelivery.objects.get(notification=row)
    NotificationDelivery.objects.filter(pk=delivery.pk).update(
        status=status, last_error=error, attempts=3 if status == Status.FAILED else 1, **fields
    )
    return delivery


def test_the_failed_filter_lists_failures_with_their_error(client):
    staff_in(client, "Support agent")
    failed = _delivery(Status.FAILED, "SMTPServerDisconnected: gone away")
    _delivery(Status.SENT)

    page = client.get(DELIVERIES, {"attention": "failed"})

    assert page.status_code == 200
    assert list(page.context["cl"].result_list) == [failed]
    assert "SMTPServerDisconnected: gone away" in page.content.decode()


def test_a_support_agent_retries_failed_and_stuck_ones(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    agent = staff_in(client, "Support agent")
    failed = _delivery(Status.FAILED, "OSError: refused")
    stuck = _delivery(Status.SENDING, sent_at=timezone.now() - timedelta(hours=1))
    busy = _delivery(Status.SENDING, sent_at=timezone.now())
    sent = _delivery(Status.SENT)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            DELIVERIES,
            {"action": "retry", "_selected_action": [failed.pk, stuck.pk, busy.pk, sent.pk]},
            follow=True,
        )

    assert response.status_code == 200
    statuses = dict(NotificationDelivery.objects.values_list("pk", "status"))
    assert statuses == {
        failed.pk: Status.SENT,
        stuck.pk: Status.SENT,
        busy.pk: Status.SENDING,
        sent.pk: Status.SENT,
    }
    assert len(mailoutbox) == 2
    assert sorted(
        AuditLog.objects.filter(action="notification_delivery.retry").values_list(
            "entity_id", "actor_id"
        )
    ) == sorted([(str(failed.pk), agent.pk), (str(stuck.pk), agent.pk)])
    messages = [str(m) for m in response.context["messages"]]
    assert "2 queued again." in messages


def test_a_content_editor_can_neither_see_nor_retry(client, mailoutbox):
    staff_in(client, "Content editor")
    failed = _delivery(Status.FAILED, "OSError: refused")

    assert client.get(DELIVERIES).status_code == 403
    response = client.post(DELIVERIES, {"action": "retry", "_selected_action": [failed.pk]})

    assert response.status_code == 403
    failed.refresh_from_db()
    assert failed.status == Status.FAILED
    assert AuditLog.objects.filter(action="notification_delivery.retry").count() == 0
    assert mailoutbox == []


def test_deliveries_and_preferences_are_read_only(client):
    staff_in(client, "Support agent")
    failed = _delivery(Status.FAILED, "OSError: refused")
    pref = NotificationPreference.objects.create(
        user=UserFactory(), category="rewards", channel="email", enabled=False
    )

    change = reverse("admin:support_notificationdelivery_change", args=[failed.pk])
    client.post(change, {"status": "sent", "last_error": ""})
    failed.refresh_from_db()
    assert (failed.status, failed.last_error) == (Status.FAILED, "OSError: refused")
    assert client.get(reverse("admin:support_notificationdelivery_add")).status_code == 403
    pref_change = reverse("admin:support_notificationpreference_change", args=[pref.pk])
    assert client.get(pref_change).status_code == 200
    client.post(pref_change, {"enabled": "on"})
    pref.refresh_from_db()
    assert pref.enabled is False
