"""Working a ticket: replies and their status rules, internal notes, assignment, status
moves, merges and the close of stale resolved tickets."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import AuditLog, StatusChange, User
from accounts.tests.factories import UserFactory
from config.errors import Refusal
from support.models import Notification, Ticket, TicketMessage
from support.services.tickets import (
    ticket_assign,
    ticket_merge,
    ticket_note_add,
    ticket_reply_requester,
    ticket_reply_staff,
    ticket_set_status,
    tickets_close_stale,
)

from .factories_tickets import open_ticket, staff_in, support_agent

pytestmark = pytest.mark.django_db


def _status(ticket):
    return Ticket.objects.values_list("status", flat=True).get(pk=ticket.pk)


def test_a_ticket_gets_its_number_and_first_message():
    ticket = open_ticket(subject="Hi")
    assert ticket.number == f"SB-T{ticket.pk:06d}"
    assert list(ticket.messages.values_list("body", "from_staff", "is_internal")) == [
        ("I bought shoes last week.", False, False)
    ]


@pytest.mark.parametrize("was", ["pending", "resolved"])
def test_the_requester_reply_reopens_a_pending_or_resolved_ticket(was):
    agent = support_agent()
    ticket = open_ticket()
    ticket_set_status(ticket=ticket, to=was, actor=agent)

    ticket_reply_requester(ticket=ticket, author=ticket.requester, body="Still missing")

    ticket.refresh_from_db()
    assert ticket.status == "open"
    assert ticket.resolved_at is None
    assert list(
        StatusChange.objects.filter(object_id=ticket.pk)
        .order_by("pk")
        .values_list("from_status", "to_status")
    ) == [("open", was), (was, "open")]


def test_a_closed_ticket_refuses_replies_and_nothing_is_written():
    agent = support_agent()
    ticket = open_ticket()
    ticket_set_status(ticket=ticket, to="closed", actor=agent)
    with pytest.raises(Refusal) as refused:
        ticket_reply_requester(ticket=ticket, author=ticket.requester, body="Hello?")
    assert refused.value.code == "ticket_closed"
    with pytest.raises(Refusal) as refused:
        ticket_reply_staff(ticket=ticket, actor=agent, body="Hello")
    assert refused.value.code == "ticket_closed"
    assert ticket.messages.count() == 1
    assert _status(ticket) == "closed"


def test_another_shopper_cannot_reply_on_a_ticket():
    ticket = open_ticket()
    with pytest.raises(Refusal) as refused:
        ticket_reply_requester(ticket=ticket, author=UserFactory(), body="mine now")
    assert (refused.value.code, refused.value.http_status) == ("not_found", 404)
    assert ticket.messages.count() == 1


def test_the_staff_reply_waits_on_the_customer_and_tells_them():
    agent = support_agent()
    ticket = open_ticket()
    message = ticket_reply_staff(ticket=ticket, actor=agent, body="Which order?")
    ticket.refresh_from_db()
    assert ticket.status == "pending"
    assert ticket.first_responded_at is not None
    assert ticket.last_staff_message_at == ticket.first_responded_at
    notice = Notification.objects.get(user=ticket.requester)
    assert (notice.category, notice.key, notice.url) == (
        "support",
        f"ticket-reply:{message.pk}",
        f"/support/tickets/{ticket.number}/",
    )
    assert AuditLog.objects.filter(action="ticket.reply", entity_id=str(ticket.pk)).count() == 1
    # A second reply keeps the first response time.
    first = ticket.first_responded_at
    ticket_reply_staff(ticket=ticket, actor=agent, body="Found it", status="resolved")
    ticket.refresh_from_db()
    assert (ticket.status, ticket.first_responded_at) == ("resolved", first)
    assert Notification.objects.filter(user=ticket.requester).count() == 2


def test_an_internal_note_changes_no_clock_no_status_and_tells_nobody(mailoutbox):
    agent = support_agent()
    ticket = open_ticket()
    before = Ticket.objects.values().get(pk=ticket.pk)
    note = ticket_note_add(ticket=ticket, actor=agent, body="VIP, be nice")
    after = Ticket.objects.values().get(pk=ticket.pk)
    assert (note.is_internal, note.from_staff) == (True, True)
    assert before == after
    assert Notification.objects.count() == 0
    assert mailoutbox == []


@pytest.mark.parametrize("who", ["shopper", "finance", "inactive_agent"])
def test_only_support_staff_work_on_tickets(who):
    ticket = open_ticket()
    actor = {
        "shopper": lambda: UserFactory(),
        "finance": lambda: staff_in("Finance"),
        "inactive_agent": lambda: support_agent(status=User.Status.SUSPENDED),
    }[who]()
    for act in (
        lambda: ticket_reply_staff(ticket=ticket, actor=actor, body="x"),
        lambda: ticket_note_add(ticket=ticket, actor=actor, body="x"),
        lambda: ticket_set_status(ticket=ticket, to="resolved", actor=actor),
        lambda: ticket_assign(ticket=ticket, assignee=None, actor=actor),
    ):
        with pytest.raises(Refusal) as refused:
            act()
        assert refused.value.code == "not_support_staff"
    assert ticket.messages.count() == 1
    assert _status(ticket) == "open"


def test_assign_only_to_active_support_staff():
    agent, other_agent = support_agent(), support_agent()
    ticket = open_ticket()
    for assignee in (
        UserFactory(),
        staff_in("Finance"),
        support_agent(status=User.Status.SUSPENDED),
    ):
        with pytest.raises(Refusal) as refused:
            ticket_assign(ticket=ticket, assignee=assignee, actor=agent)
        assert refused.value.code == "invalid_assignee"
    assert Ticket.objects.get(pk=ticket.pk).assignee_id is None
    assert ticket_assign(ticket=ticket, assignee=other_agent, actor=agent) is True
    assert ticket_assign(ticket=ticket, assignee=other_agent, actor=agent) is False
    assert Ticket.objects.get(pk=ticket.pk).assignee_id == other_agent.pk


def test_status_moves_follow_the_table():
    agent = support_agent()
    ticket = open_ticket()
    assert ticket_set_status(ticket=ticket, to="resolved", actor=agent) is True
    with pytest.raises(Refusal) as refused:
        ticket_set_status(ticket=ticket, to="on_hold", actor=agent)
    assert refused.value.code == "invalid_status"
    assert ticket_set_status(ticket=ticket, to="closed", actor=agent) is True
    for to in ("open", "pending", "resolved"):
        with pytest.raises(Refusal):
            ticket_set_status(ticket=ticket, to=to, actor=agent)
    assert _status(ticket) == "closed"
    with pytest.raises(Refusal):
        ticket_set_status(ticket=ticket, to="nonsense", actor=agent)


def test_merge_moves_the_messages_and_closes_the_duplicate():
    agent = support_agent()
    shopper = UserFactory()
    target = open_ticket(requester=shopper, subject="Missing cashback")
    source = open_ticket(requester=shopper, subject="Missing cashback again")
    ticket_reply_requester(ticket=source, author=shopper, body="Any news?")

    assert ticket_merge(source=source, target=target, actor=agent) is True

    source.refresh_from_db()
    assert (source.status, source.merged_into_id) == ("closed", target.pk)
    assert source.messages.count() == 0
    bodies = list(target.messages.order_by("pk").values_list("body", "is_internal"))
    assert bodies == [
        ("I bought shoes last week.", False),
        ("I bought shoes last week.", False),
        ("Any news?", False),
        (f"Merged 2 message(s) from {source.number} (Missing cashback again).", True),
    ]
    assert AuditLog.objects.filter(action="ticket.merge", entity_id=str(source.pk)).count() == 1


def test_merge_refuses_other_requesters_itself_and_merged_tickets():
    agent = support_agent()
    shopper = UserFactory()
    a, b, c = (open_ticket(requester=shopper) for _ in range(3))
    stranger = open_ticket()
    messages_before = TicketMessage.objects.count()
    cases = [(a, stranger), (a, a)]
    for source, target in cases:
        with pytest.raises(Refusal) as refused:
            ticket_merge(source=source, target=target, actor=agent)
        assert refused.value.code == "invalid_merge"
    ticket_merge(source=b, target=a, actor=agent)
    messages_before = TicketMessage.objects.count()
    for source, target in [(c, b), (b, c)]:  # into a merged ticket; a merged one again
        with pytest.raises(Refusal) as refused:
            ticket_merge(source=source, target=target, actor=agent)
        assert refused.value.code == "invalid_merge"
    assert TicketMessage.objects.count() == messages_before
    assert list(Ticket.objects.order_by("pk").values_list("status", "merged_into_id")) == [
        ("open", None),
        ("closed", a.pk),
        ("open", None),
        ("open", None),
    ]


def _resolved(agent, days_ago, now):
    ticket = open_ticket()
    ticket_set_status(ticket=ticket, to="resolved", actor=agent)
    when = now - timedelta(days=days_ago)
    Ticket.objects.filter(pk=ticket.pk).update(resolved_at=when)
    TicketMessage.objects.filter(ticket=ticket).update(created_at=when)
    return ticket


def test_stale_resolved_tickets_close_after_seven_days_without_a_reply():
    agent = support_agent()
    now = timezone.now()
    exactly = _resolved(agent, 7, now)
    almost = _resolved(agent, 7 - 1 / 24 / 3600, now)  # one second short
    answered = _resolved(agent, 10, now)
    TicketMessage.objects.create(
        ticket=answered, author=agent, body="Anything else?", from_staff=True
    )
    TicketMessage.objects.filter(ticket=answered, body="Anything else?").update(
        created_at=now - timedelta(days=3)
    )
    still_open = open_ticket()
    Ticket.objects.filter(pk=still_open.pk).update(created_at=now - timedelta(days=30))

    assert tickets_close_stale(now=now) == {"closed": 1}
    assert tickets_close_stale(now=now) == {"closed": 0}  # idempotent

    statuses = dict(Ticket.objects.values_list("pk", "status"))
    assert statuses == {
        exactly.pk: "closed",
        almost.pk: "resolved",
        answered.pk: "resolved",
        still_open.pk: "open",
    }
    assert Ticket.objects.get(pk=exactly.pk).closed_at == now
    assert (
        StatusChange.objects.filter(
            object_id=exactly.pk, from_status="resolved", to_status="closed"
        ).count()
        == 1
    )


def test_the_commands_report_what_they_did():
    from io import StringIO

    agent = support_agent()
    now = timezone.now()
    _resolved(agent, 8, now)
    out = StringIO()
    call_command("close_stale_tickets", stdout=out)
    call_command("flag_sla_breaches", stdout=out)
    assert out.getvalue().splitlines() == [
        "1 tickets closed.",
        "0 first-response and 0 resolution breaches flagged.",
    ]
