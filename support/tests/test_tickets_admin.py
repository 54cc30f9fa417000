"""The support queue in the admin, used as staff use it: the change form's reply box
(reply, internal note, canned reply, status), the queue's filters and the actions, for
the roles that may and those that may not."""

import pytest
from django.urls import reverse

from accounts.models import AuditLog, Department
from accounts.tests.factories import SuperuserFactory, UserFactory
from support.models import CannedReply, Notification, NotificationInbox, Ticket, TicketMessage

from .factories_tickets import open_ticket, staff_in, support_agent

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:support_ticket_changelist")


def change_url(ticket):
    return reverse("admin:support_ticket_change", args=[ticket.pk])


def _form(ticket, **fields):
    return {
        "priority": ticket.priority,
        "department": ticket.department_id or "",
        "canned": "",
        "reply": "",
        "reply_status": "",
        "_save": "Save",
        **fields,
    }


def test_the_agent_replies_in_the_admin_and_the_shopper_is_told_in_app_and_by_email(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    agent = support_agent()
    shopper = UserFactory(email="dana@example.com")
    ticket = open_ticket(requester=shopper, subject="Missing cashback")
    client.force_login(agent)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(change_url(ticket), _form(ticket, reply="Found it: <b>42</b>"))

    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == "pending"
    message = TicketMessage.objects.get(ticket=ticket, from_staff=True)
    assert (message.author, message.body, message.is_internal) == (
        agent,
        "Found it: <b>42</b>",
        False,
    )
    notice = Notification.objects.get(user=shopper)
    assert (notice.category, notice.key, notice.url, notice.title) == (
        "support",
        f"ticket-reply:{message.pk}",
        f"/support/tickets/{ticket.number}/",
        f"New reply on {ticket.number}",
    )
    assert NotificationInbox.objects.get(pk=shopper.pk).unread == 1
    assert [mail.to for mail in mailoutbox] == [["dana@example.com"]]
    assert "Found it: <b>42</b>" in mailoutbox[0].body
    assert mailoutbox[0].subject == f"[{ticket.number}] New reply: Missing cashback"
    assert AuditLog.objects.filter(action="ticket.reply", actor=agent).count() == 1


def test_an_internal_note_from_the_admin_is_marked_and_tells_nobody(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    agent = support_agent()
    ticket = open_ticket()
    client.force_login(agent)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(change_url(ticket), _form(ticket, reply="Check <i>fraud</i>", internal="on"))
    note = TicketMessage.objects.get(ticket=ticket, from_staff=True)
    assert note.is_internal is True
    assert Ticket.objects.get(pk=ticket.pk).status == "open"
    assert Notification.objects.count() == 0 and mailoutbox == []
    page = client.get(change_url(ticket)).content.decode()
    assert "[INTERNAL NOTE]" in page
    assert "Check &lt;i&gt;fraud&lt;/i&gt;" in page


def test_a_canned_reply_and_a_status_from_the_form(client):
    agent = support_agent()
    canned = CannedReply.objects.create(title="Thanks", body="Thanks, all sorted!")
    ticket = open_ticket()
    client.force_login(agent)
    client.post(change_url(ticket), _form(ticket, canned=canned.pk, reply_status="resolved"))
    ticket.refresh_from_db()
    assert ticket.status == "resolved"
    assert ticket.messages.filter(from_staff=True).get().body == "Thanks, all sorted!"


def test_priority_and_department_change_through_the_form(client):
    agent = support_agent()
    department = Department.objects.create(name="Payments", slug="payments")
    ticket = open_ticket()
    client.force_login(agent)
    response = client.post(
        change_url(ticket), _form(ticket, priority="urgent", department=department.pk)
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.priority, ticket.department_id) == ("urgent", department.pk)
    assert ticket.messages.count() == 1
    assert AuditLog.objects.filter(action="ticket.priority", actor=agent).count() == 1


def test_a_refused_reply_says_why_and_writes_nothing(client):
    agent = support_agent()
    ticket = open_ticket()
    Ticket.objects.filter(pk=ticket.pk).update(status="closed")
    client.force_login(agent)
    response = client.post(change_url(ticket), _form(ticket, reply="hello"), follow=True)
    assert "This ticket is closed." in response.content.decode()
    assert ticket.messages.count() == 1


def _act(client, action, tickets, **extra):
    return client.post(
        QUEUE,
        {"action": action, "_selected_action": [t.pk for t in tickets], **extra},
        follow=True,
    )


def test_assign_to_me_and_to_a_colleague(client):
    agent, colleague = support_agent(), support_agent()
    a, b = open_ticket(), open_ticket()
    client.force_login(agent)
    assert "2 assigned." in _act(client, "assign_to_me", [a, b]).content.decode()
    assert set(Ticket.objects.values_list("assignee", flat=True)) == {agent.pk}
    _act(client, "assign_to", [b], assignee=colleague.pk)
    assert Ticket.objects.get(pk=b.pk).assignee == colleague
    assert AuditLog.objects.filter(action="ticket.assign").count() == 3


def test_assigning_to_someone_without_the_support_permission_is_refused(client):
    agent, finance = support_agent(), staff_in("Finance")
    ticket = open_ticket()
    client.force_login(agent)
    page = _act(client, "assign_to", [ticket], assignee=finance.pk).content.decode()
    assert f"Cannot assign to {finance.email}: they do not handle support tickets." in page
    assert Ticket.objects.get(pk=ticket.pk).assignee_id is None


def test_resolve_and_merge_actions(client):
    agent = support_agent()
    shopper = UserFactory()
    keep, duplicate = open_ticket(requester=shopper), open_ticket(requester=shopper)
    other = open_ticket()
    client.force_login(agent)
    page = _act(client, "merge", [duplicate], merge_into=keep.number.lower()).content.decode()
    assert "1 merged." in page
    assert Ticket.objects.get(pk=duplicate.pk).merged_into_id == keep.pk
    page = _act(client, "merge", [other], merge_into=keep.number).content.decode()
    assert "Only tickets of the same requester can be merged." in page
    assert Ticket.objects.get(pk=other.pk).status == "open"
    assert "1 resolved." in _act(client, "resolve", [keep]).content.decode()
    assert Ticket.objects.get(pk=keep.pk).status == "resolved"


def test_the_queue_filters(client):
    agent = support_agent()
    mine, unassigned, breached = open_ticket(), open_ticket(), open_ticket()
    Ticket.objects.filter(pk=mine.pk).update(assignee=agent)
    Ticket.objects.filter(pk=breached.pk).update(resolution_breached=True)
    client.force_login(agent)

    def listed(query):
        page = client.get(f"{QUEUE}?{query}").content.decode()
        return {t.number for t in (mine, unassigned, breached) if t.number in page}

    assert listed("assignee=mine") == {mine.number}
    assert listed("assignee=unassigned") == {unassigned.number, breached.number}
    assert listed("breach=any") == {breached.number}
    assert listed("breach=resolution") == {breached.number}
    assert listed("breach=first_response") == set()
    assert listed(f"q={unassigned.number}") == {unassigned.number}
    assert listed("status__exact=open") == {mine.number, unassigned.number, breached.number}


def test_finance_can_neither_see_nor_act_on_tickets(client):
    finance = staff_in("Finance")
    ticket = open_ticket()
    client.force_login(finance)
    response = client.post(QUEUE, {"action": "resolve", "_selected_action": [ticket.pk]})
    assert response.status_code == 403
    response = client.post(change_url(ticket), _form(ticket, reply="hi"))
    assert response.status_code == 403
    assert Ticket.objects.get(pk=ticket.pk).status == "open"
    assert ticket.messages.count() == 1


def test_only_superusers_delete_tickets(client):
    ticket = open_ticket()
    delete = reverse("admin:support_ticket_delete", args=[ticket.pk])
    client.force_login(support_agent())
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Ticket.objects.filter(pk=ticket.pk).exists()
    client.force_login(SuperuserFactory())
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not Ticket.objects.filter(pk=ticket.pk).exists()


def test_canned_replies_are_managed_by_support_agents(client):
    client.force_login(support_agent())
    response = client.post(
        reverse("admin:support_cannedreply_add"),
        {"title": "Hello", "body": "Hi there", "is_active": "on"},
    )
    assert response.status_code == 302
    assert CannedReply.objects.get().body == "Hi there"
    client.force_login(staff_in("Finance"))
    assert client.get(reverse("admin:support_cannedreply_changelist")).status_code == 403
