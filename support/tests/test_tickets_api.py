"""/api/v1/me/tickets/: open, list, read and answer one's own tickets, JSON only; internal
notes never leave the staff side."""

import pytest

from accounts.tests.factories import UserFactory
from support.models import Ticket, TicketMessage
from support.services.tickets import ticket_note_add, ticket_reply_staff, ticket_set_status

from .factories_tickets import open_ticket, support_agent

pytestmark = pytest.mark.django_db

TICKETS = "/api/v1/me/tickets/"


@pytest.fixture
def shopper(client):
    user = UserFactory()
    client.force_login(user)
    return user


def test_open_a_ticket(client, shopper):
    response = client.post(
        TICKETS,
        {"subject": "Payout late", "category": "payment", "message": "Since Monday"},
        content_type="application/json",
    )
    assert response.status_code == 201
    ticket = Ticket.objects.get()
    body = response.json()
    assert {k: body[k] for k in ("id", "number", "status", "priority", "category")} == {
        "id": ticket.pk,
        "number": f"SB-T{ticket.pk:06d}",
        "status": "open",
        "priority": "normal",
        "category": "payment",
    }
    assert body["status_text"] == "Open: our support team will answer you."
    assert [(m["body"], m["from_staff"], m["attachments"]) for m in body["messages"]] == [
        ("Since Monday", False, [])
    ]
    assert ticket.requester == shopper


@pytest.mark.parametrize(
    ("payload", "code", "field"),
    [
        ({"category": "payment", "message": "x"}, "required", "subject"),
        ({"subject": "", "category": "payment", "message": "x"}, "blank", "subject"),
        ({"subject": "s", "category": "refund", "message": "x"}, "invalid_choice", "category"),
        ({"subject": "s", "category": "payment", "message": "x", "priority": "asap"},
         "invalid_choice", "priority"),
        ({"subject": "s" * 201, "category": "payment", "message": "x"}, "max_length", "subject"),
        ({"subject": "s", "category": "payment", "message": "m" * 10001}, "max_length", "message"),
    ],
)  # fmt: skip
def test_bad_input_is_a_400_with_a_code_and_nothing_written(client, shopper, payload, code, field):
    response = client.post(TICKETS, payload, content_type="application/json")
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == (code, field)
    assert Ticket.objects.count() == 0


def test_a_form_body_is_415(client, shopper):
    response = client.post(TICKETS, {"subject": "s", "category": "payment", "message": "x"})
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"
    assert Ticket.objects.count() == 0


def test_opening_is_rate_limited_per_account(client, shopper, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "support_ticket_account": (2, 3600)}
    payload = {"subject": "s", "category": "general", "message": "x"}
    statuses = [
        client.post(TICKETS, payload, content_type="application/json").status_code for _ in range(3)
    ]
    assert statuses == [201, 201, 429]
    assert Ticket.objects.count() == 2


def test_the_list_is_mine_only(client, shopper):
    mine = open_ticket(requester=shopper, subject="Mine")
    open_ticket(subject="Someone else's")
    body = client.get(TICKETS).json()
    assert [(t["id"], t["subject"]) for t in body["results"]] == [(mine.pk, "Mine")]


def test_internal_notes_never_reach_the_requester(
    client, shopper, mailoutbox, django_capture_on_commit_callbacks
):
    agent = support_agent()
    ticket = open_ticket(requester=shopper)
    with django_capture_on_commit_callbacks(execute=True):
        ticket_note_add(ticket=ticket, actor=agent, body="SECRET fraud suspicion")
        ticket_reply_staff(ticket=ticket, actor=agent, body="We are looking into it.")

    api = client.get(f"{TICKETS}{ticket.pk}/").content.decode()
    page = client.get(f"/support/tickets/{ticket.number}/").content.decode()
    assert "We are looking into it." in api and "We are looking into it." in page
    assert "SECRET" not in api and "SECRET" not in page
    assert len(mailoutbox) == 1
    assert "We are looking into it." in mailoutbox[0].body
    assert "SECRET" not in mailoutbox[0].body + mailoutbox[0].subject


def test_reply_reopens_and_a_closed_ticket_is_409(client, shopper):
    agent = support_agent()
    ticket = open_ticket(requester=shopper)
    ticket_reply_staff(ticket=ticket, actor=agent, body="Which order?")
    url = f"{TICKETS}{ticket.pk}/messages/"
    response = client.post(url, {"body": "Order 7"}, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["body"] == "Order 7"
    assert Ticket.objects.get(pk=ticket.pk).status == "open"

    ticket_set_status(ticket=ticket, to="closed", actor=agent)
    before = TicketMessage.objects.count()
    response = client.post(url, {"body": "again"}, content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (409, "ticket_closed")
    assert TicketMessage.objects.count() == before


@pytest.mark.parametrize("payload", [{}, {"body": ""}, {"body": None}, {"body": ["x"]}])
def test_a_bad_reply_is_400(client, shopper, payload):
    ticket = open_ticket(requester=shopper)
    response = client.post(
        f"{TICKETS}{ticket.pk}/messages/", payload, content_type="application/json"
    )
    assert response.status_code == 400
    assert ticket.messages.count() == 1


def test_an_unknown_id_is_404_not_found(client, shopper):
    response = client.get(f"{TICKETS}999999/")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
