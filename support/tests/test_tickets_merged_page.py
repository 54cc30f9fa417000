"""A shopper opening a ticket that staff merged into another (from the centre, an old
email or a notification) lands on the ticket that now holds the conversation, told why;
before, the page showed an empty thread and "Closed: open a new ticket"."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts.tests.factories import UserFactory
from support.models import Ticket, TicketMessage
from support.services.tickets import ticket_merge, ticket_reply_requester

from .factories_tickets import open_ticket, support_agent

pytestmark = pytest.mark.django_db


def test_a_merged_ticket_leads_its_requester_to_the_ticket_kept(client):
    shopper = UserFactory()
    kept = open_ticket(requester=shopper, subject="Missing cashback")
    duplicate = open_ticket(requester=shopper, subject="Missing cashback again")
    ticket_reply_requester(ticket=duplicate, author=shopper, body="Any news?")
    ticket_merge(source=duplicate, target=kept, actor=support_agent())
    client.force_login(shopper)
    before = (Ticket.objects.count(), TicketMessage.objects.count())

    page = client.get(reverse("support:ticket", args=[duplicate.number]), follow=True)

    assert page.redirect_chain == [(reverse("support:ticket", args=[kept.number]), 302)]
    assert [str(m) for m in get_messages(page.wsgi_request)] == [
        f"{duplicate.number} was merged into {kept.number}: the whole conversation is here."
    ]
    assert "Any news?" in page.content.decode()
    assert (Ticket.objects.count(), TicketMessage.objects.count()) == before


def test_a_merged_ticket_stays_not_found_for_anyone_else(client):
    shopper = UserFactory()
    kept = open_ticket(requester=shopper)
    duplicate = open_ticket(requester=shopper)
    ticket_merge(source=duplicate, target=kept, actor=support_agent())
    client.force_login(UserFactory())

    assert client.get(reverse("support:ticket", args=[duplicate.number])).status_code == 404
