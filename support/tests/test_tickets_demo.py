"""The demo's support desk: the agent logs in to the admin and sees the queue; the demo
shopper has two tickets, one answered (waiting on them) and one open; seeding twice
changes nothing."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Department, User
from support.access import is_support_staff
from support.models import CannedReply, Notification, Ticket, TicketMessage

pytestmark = pytest.mark.django_db


def test_the_demo_agent_answers_the_demo_shopper_and_reseeding_changes_nothing(
    settings, client, django_capture_on_commit_callbacks
):
    settings.DEBUG = True
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=io.StringIO())
    support_notices = Notification.objects.filter(category="support")
    counts = (Ticket.objects.count(), TicketMessage.objects.count(), support_notices.count())
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=io.StringIO())
    assert (
        (
            Ticket.objects.count(),
            TicketMessage.objects.count(),
            support_notices.count(),
        )
        == counts
        # Two tickets of its own (one answered) and the demo claim's ticket.
        == (3, 4, 1)
    )

    assert sorted(CannedReply.objects.values_list("title", flat=True)) == [
        "Changing payout details",
        "Sales take a few days to arrive",
    ]
    agent = User.objects.get(email="support@savebucks.test")
    shopper = User.objects.get(email="demo@savebucks.test")
    assert agent.is_staff and not agent.is_superuser
    assert list(agent.groups.values_list("name", flat=True)) == ["Support agent"]
    assert is_support_staff(agent)
    support = Department.objects.get(slug="support")
    assert list(support.members.all()) == [agent]
    tickets = list(
        Ticket.objects.filter(requester=shopper)
        .filter(claim__isnull=True)
        .order_by("pk")
        .values_list("status", "assignee", "department")
    )
    assert tickets == [("pending", agent.pk, support.pk), ("open", None, support.pk)]
    answered = Ticket.objects.filter(requester=shopper).order_by("pk").first()
    assert list(answered.messages.values_list("from_staff", flat=True)) == [False, True]
    assert Notification.objects.filter(user=shopper, category="support").count() == 1

    assert client.login(email="support@savebucks.test", password="support-pass-123")
    queue = client.get(reverse("admin:support_ticket_changelist"))
    assert queue.status_code == 200
    page = queue.content.decode()
    for ticket in Ticket.objects.filter(requester=shopper):
        assert ticket.number in page
    assert client.get(reverse("admin:support_ticket_change", args=[answered.pk])).status_code == 200
