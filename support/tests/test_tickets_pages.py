"""The support centre pages: my tickets, a new ticket, the thread and its reply box.
Ticket text is untrusted and escaped everywhere."""

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from support.models import Ticket
from support.services.tickets import ticket_reply_staff

from .factories_tickets import open_ticket, support_agent

pytestmark = pytest.mark.django_db

XSS = '<script>alert("x")</script>'


def test_the_centre_lists_my_tickets_only(client):
    shopper = UserFactory()
    mine = open_ticket(requester=shopper, subject="My payout")
    other = open_ticket(subject="Someone else's")
    client.force_login(shopper)
    page = client.get(reverse("support:centre")).content.decode()
    assert mine.number in page and "My payout" in page
    assert other.number not in page


def test_pages_need_a_login(client):
    for name in ("support:centre", "support:ticket-new"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_open_a_ticket_from_the_page_and_see_it(client):
    shopper = UserFactory()
    client.force_login(shopper)
    response = client.post(
        reverse("support:ticket-new"),
        {"subject": "Hello", "category": "account", "priority": "high", "message": "Help"},
        follow=True,
    )
    ticket = Ticket.objects.get()
    assert (ticket.requester, ticket.category, ticket.priority) == (shopper, "account", "high")
    page = response.content.decode()
    assert f"Ticket {ticket.number} opened" in page
    assert "Open: our support team will answer you." in page


def test_a_bad_form_is_a_400_with_errors(client):
    client.force_login(UserFactory())
    response = client.post(reverse("support:ticket-new"), {"subject": "", "category": "nope"})
    assert response.status_code == 400
    assert Ticket.objects.count() == 0


def test_ticket_text_is_escaped_on_every_page(client):
    shopper = UserFactory()
    ticket = open_ticket(requester=shopper, subject=XSS, message=XSS)
    ticket_reply_staff(ticket=ticket, actor=support_agent(), body=XSS)
    client.force_login(shopper)
    for url in (reverse("support:centre"), reverse("support:ticket", args=[ticket.number])):
        page = client.get(url).content.decode()
        assert XSS not in page
        assert "&lt;script&gt;" in page


def test_status_in_plain_words_and_no_reply_box_when_closed(client):
    from support.services.tickets import ticket_set_status

    agent = support_agent()
    ticket = open_ticket()
    ticket_reply_staff(ticket=ticket, actor=agent, body="Which order?")
    client.force_login(ticket.requester)
    url = reverse("support:ticket", args=[ticket.number])
    page = client.get(url).content.decode()
    assert "Waiting on you: we answered and need your reply." in page
    assert 'data-test="reply-form"' in page
    ticket_set_status(ticket=ticket, to="closed", actor=agent)
    page = client.get(url).content.decode()
    assert "Closed: open a new ticket if you need more help." in page
    assert 'data-test="reply-form"' not in page


def test_support_staff_read_the_page_but_answer_in_the_admin(client):
    agent = support_agent()
    ticket = open_ticket()
    client.force_login(agent)
    url = reverse("support:ticket", args=[ticket.number])
    page = client.get(url).content.decode()
    assert 'data-test="staff-hint"' in page and 'data-test="reply-form"' not in page
    assert client.post(url, {"body": "as the customer?"}).status_code == 404
    assert ticket.messages.count() == 1
