"""Real threads on PostgreSQL: the row lock and the conditional moves decide, not a
status read before the write."""

from datetime import timedelta
from itertools import pairwise

import pytest
from django.utils import timezone

from accounts.models import StatusChange
from config.testing import race
from support.models import Notification, Ticket, TicketMessage
from support.services.tickets import (
    ticket_reply_requester,
    ticket_reply_staff,
    ticket_set_status,
    tickets_close_stale,
)

from .factories_tickets import open_ticket, support_agent

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_four_stale_close_runs_at_once_close_each_ticket_once():
    agent = support_agent()
    now = timezone.now()
    tickets = [open_ticket() for _ in range(12)]
    for ticket in tickets:
        ticket_set_status(ticket=ticket, to="resolved", actor=agent)
    Ticket.objects.update(resolved_at=now - timedelta(days=8))
    TicketMessage.objects.update(created_at=now - timedelta(days=8))

    results = race(4, lambda i: tickets_close_stale(now=now))

    assert sum(result["closed"] for result in results) == 12, results
    assert set(Ticket.objects.values_list("status", flat=True)) == {"closed"}
    assert StatusChange.objects.filter(from_status="resolved", to_status="closed").count() == 12


def test_a_customer_reply_racing_a_resolve_leaves_a_consistent_ticket():
    agent = support_agent()
    ticket = open_ticket()
    ticket_reply_staff(ticket=ticket, actor=agent, body="Which order?")  # pending

    def act(i):
        if i == 0:
            return ticket_reply_requester(ticket=ticket, author=ticket.requester, body="42")
        return ticket_set_status(ticket=ticket, to="resolved", actor=agent)

    results = race(2, act)

    assert not [r for r in results if isinstance(r, Exception)], results
    ticket.refresh_from_db()
    # Whichever came second saw the first's status under the lock: the history is a
    # chain, each move starting where the one before ended.
    moves = list(
        StatusChange.objects.filter(object_id=ticket.pk)
        .order_by("pk")
        .values_list("from_status", "to_status")
    )
    assert moves[0] == ("open", "pending")
    for (_, before), (after, _) in pairwise(moves):
        assert before == after
    assert moves[-1][1] == ticket.status
    assert ticket.status in {"open", "resolved"}
    assert (ticket.pending_since, ticket.messages.count()) == (None, 3)


def test_two_agents_answering_at_once_each_notify_once():
    agents = [support_agent(), support_agent()]
    ticket = open_ticket()

    results = race(2, lambda i: ticket_reply_staff(ticket=ticket, actor=agents[i], body=f"A{i}"))

    assert not [r for r in results if isinstance(r, Exception)], results
    ticket.refresh_from_db()
    assert ticket.status == "pending"
    assert Notification.objects.filter(user=ticket.requester).count() == 2
    assert StatusChange.objects.filter(object_id=ticket.pk).count() == 1
