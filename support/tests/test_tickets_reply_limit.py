"""A shopper's replies are rate-limited like new tickets: each may carry five 5 MB files,
so unlimited replies were unlimited storage and an unlimited flood of the queue."""

import pytest

from accounts.tests.factories import UserFactory
from support.models import TicketAttachment, TicketMessage

from .factories_tickets import open_ticket, png, private_media, stored_files  # noqa: F401

pytestmark = pytest.mark.django_db


def test_replies_past_the_limit_are_429_and_write_nothing(client, settings, private_media):  # noqa: F811
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "support_reply_account": (3, 3600)}
    user = UserFactory()
    client.force_login(user)
    ticket = open_ticket(user)
    url = f"/api/v1/me/tickets/{ticket.pk}/messages/"

    answers = [
        client.post(url, {"body": f"reply {n}"}, content_type="application/json").status_code
        for n in range(3)
    ]
    before = (TicketMessage.objects.count(), TicketAttachment.objects.count())
    refused_api = client.post(url, {"body": "one more"}, content_type="application/json")
    refused_page = client.post(
        f"/support/tickets/{ticket.number}/", {"body": "and more", "attachments": [png()]}
    )

    assert answers == [201, 201, 201]
    assert refused_api.status_code == 429
    assert refused_api.json()["code"] == "too_many_attempts"
    assert refused_page.status_code == 400
    assert "You replied many times lately." in refused_page.content.decode()
    assert (TicketMessage.objects.count(), TicketAttachment.objects.count()) == before
    assert stored_files(private_media) == []
