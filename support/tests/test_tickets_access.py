"""The one access check (support.access) over every surface: the ticket page, the API
(detail and reply), the attachment download and the admin's change page, for the
requester, another shopper, a support agent, other staff (Finance) and nobody."""

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from support.models import TicketAttachment, TicketMessage
from support.services.attachments import attachments_check, attachments_save
from support.services.tickets import ticket_note_add, ticket_open_by_requester

from .factories_tickets import PNG, png, private_media, staff_in, support_agent  # noqa: F401

pytestmark = pytest.mark.django_db

ROLES = ["requester", "other_shopper", "support_agent", "finance", "anonymous"]


@pytest.fixture
def world(private_media):  # noqa: F811
    requester = UserFactory()
    ticket = ticket_open_by_requester(
        requester=requester,
        subject="Missing cashback",
        category="missing_cashback",
        message="Where is it?",
        files=[png()],
    )
    people = {
        "requester": requester,
        "other_shopper": UserFactory(),
        "support_agent": support_agent(),
        "finance": staff_in("Finance"),
        "anonymous": None,
    }
    return ticket, people


def _as(client, people, role):
    if people[role] is not None:
        client.force_login(people[role])
    return client


PAGE = {
    "requester": 200,
    "other_shopper": 404,
    "support_agent": 200,
    "finance": 404,
    "anonymous": 302,
}


@pytest.mark.parametrize("role", ROLES)
def test_the_ticket_page(client, world, role):
    ticket, people = world
    response = _as(client, people, role).get(reverse("support:ticket", args=[ticket.number]))
    assert response.status_code == PAGE[role]
    if role == "anonymous":
        assert response["Location"].startswith(reverse("accounts:login"))
    if response.status_code == 200:
        assert "Where is it?" in response.content.decode()
    else:
        assert b"Where is it?" not in response.content


# /api/v1/me/… is the caller's own: even a support agent reads other people's tickets in
# the admin, not through "me".
API = {
    "requester": 200,
    "other_shopper": 404,
    "support_agent": 404,
    "finance": 404,
    "anonymous": 403,
}


@pytest.mark.parametrize("role", ROLES)
def test_the_api_detail(client, world, role):
    ticket, people = world
    response = _as(client, people, role).get(f"/api/v1/me/tickets/{ticket.pk}/")
    assert response.status_code == API[role]
    body = response.json()
    if API[role] == 200:
        assert body["number"] == ticket.number
        assert [m["body"] for m in body["messages"]] == ["Where is it?"]
    else:
        assert set(body) >= {"code", "detail"}
        assert body["code"] == ("not_found" if API[role] == 404 else "not_authenticated")


POST = {
    "requester": 201,
    "other_shopper": 404,
    "support_agent": 404,
    "finance": 404,
    "anonymous": 403,
}


@pytest.mark.parametrize("role", ROLES)
def test_the_api_reply(client, world, role):
    ticket, people = world
    before = TicketMessage.objects.count()
    response = _as(client, people, role).post(
        f"/api/v1/me/tickets/{ticket.pk}/messages/",
        {"body": "hello"},
        content_type="application/json",
    )
    assert response.status_code == POST[role]
    assert TicketMessage.objects.count() == before + (1 if POST[role] == 201 else 0)
    if POST[role] != 201:
        assert response.json()["code"] in {"not_found", "not_authenticated"}


DOWNLOAD = {
    "requester": 200,
    "other_shopper": 404,
    "support_agent": 200,
    "finance": 404,
    "anonymous": 404,
}


@pytest.mark.parametrize("role", ROLES)
def test_the_attachment_download(client, world, role):
    ticket, people = world
    attachment = TicketAttachment.objects.get(message__ticket=ticket)
    response = _as(client, people, role).get(reverse("support:attachment", args=[attachment.pk]))
    assert response.status_code == DOWNLOAD[role]
    if response.status_code == 200:
        assert b"".join(response.streaming_content) == PNG
        assert response["Content-Type"] == "image/png"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"] == 'attachment; filename="screenshot.png"'


ADMIN = {
    "requester": 302,  # not staff: the admin's login page
    "other_shopper": 302,
    "support_agent": 200,
    "finance": 403,
    "anonymous": 302,
}


@pytest.mark.parametrize("role", ROLES)
def test_the_admin_change_page_and_queue(client, world, role):
    ticket, people = world
    _as(client, people, role)
    change = client.get(reverse("admin:support_ticket_change", args=[ticket.pk]))
    queue = client.get(reverse("admin:support_ticket_changelist"))
    assert (change.status_code, queue.status_code) == (ADMIN[role], ADMIN[role])
    if ADMIN[role] == 200:
        assert "Where is it?" in change.content.decode()
        assert ticket.number in queue.content.decode()
    if ADMIN[role] == 302:
        assert change["Location"].startswith(reverse("admin:login"))


def test_finance_sees_no_ticket_in_the_admin_index(client, world):
    _, people = world
    client.force_login(people["finance"])
    page = client.get(reverse("admin:index")).content.decode()
    assert "/admin/support/ticket/" not in page
    client.force_login(people["support_agent"])
    assert "/admin/support/ticket/" in client.get(reverse("admin:index")).content.decode()


def test_an_internal_notes_file_reaches_support_staff_only(client, world):
    ticket, people = world
    note = ticket_note_add(ticket=ticket, actor=people["support_agent"], body="fraud check")
    attachments_save(note, attachments_check([png("internal.png")]))
    attachment = TicketAttachment.objects.get(message=note)
    url = reverse("support:attachment", args=[attachment.pk])
    client.force_login(people["requester"])
    assert client.get(url).status_code == 404
    client.force_login(people["support_agent"])
    assert client.get(url).status_code == 200


def test_guessing_attachment_ids_finds_nothing(client, world):
    ticket, people = world
    mine = TicketAttachment.objects.get(message__ticket=ticket)
    client.force_login(people["other_shopper"])
    for pk in (mine.pk, mine.pk + 1, 999999):
        assert client.get(reverse("support:attachment", args=[pk])).status_code == 404
