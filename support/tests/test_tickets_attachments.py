"""Attachments: sniffed by their bytes, size- and count-limited, refused whole with
nothing written, stored privately under a random name."""

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from support.models import Ticket, TicketAttachment, TicketMessage
from support.services.tickets import ticket_open_by_requester

from .factories_tickets import (  # noqa: F401
    HTML,
    JPEG,
    PDF,
    PNG,
    open_ticket,
    png,
    private_media,
    stored_files,
)

pytestmark = pytest.mark.django_db


def _counts():
    return (Ticket.objects.count(), TicketMessage.objects.count(), TicketAttachment.objects.count())


def _new_ticket(client, files):
    return client.post(
        reverse("support:ticket-new"),
        {
            "subject": "Receipt attached",
            "category": "payment",
            "priority": "normal",
            "message": "See the receipt.",
            "attachments": files,
        },
    )


def test_png_jpeg_and_pdf_are_kept_privately_with_their_sniffed_type(client, private_media):  # noqa: F811
    shopper = UserFactory()
    client.force_login(shopper)
    files = [
        png("a.png"),
        png("photo.JPG", JPEG, "image/png"),  # the client's type is ignored
        png("statement", PDF, "text/html"),
    ]
    response = _new_ticket(client, files)
    ticket = Ticket.objects.get(requester=shopper)
    assert response.status_code == 302
    assert response["Location"] == reverse("support:ticket", args=[ticket.number])
    rows = list(
        TicketAttachment.objects.order_by("pk").values_list("original_name", "content_type", "size")
    )
    assert rows == [
        ("a.png", "image/png", len(PNG)),
        ("photo.JPG", "image/jpeg", len(JPEG)),
        ("statement", "application/pdf", len(PDF)),
    ]
    paths = stored_files(private_media)
    assert len(paths) == 3
    # Random names under the private root: nothing of the original name or the user.
    assert {path.suffix for path in paths} == {".png", ".jpg", ".pdf"}
    assert not any("photo" in path.name or "statement" in path.name for path in paths)
    assert [path.read_bytes() for path in sorted(paths, key=lambda p: p.suffix)] == [
        JPEG,
        PDF,
        PNG,
    ]


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([png("receipt.png", HTML, "image/png")], "receipt.png is not a PNG, JPEG or PDF file."),
        ([png("empty.png", b"")], "empty.png is not a PNG, JPEG or PDF file."),
        ([png(f"{n}.png") for n in range(6)], "At most 5 files per message."),
        ([png("a.png"), png("big.png", PNG + b"\0" * 1024)], "big.png is larger than 1.0 KB."),
    ],
    ids=["html-named-png", "empty", "six-files", "too-large"],
)
def test_a_bad_set_of_files_is_refused_whole_with_nothing_written(
    client,
    settings,
    private_media,  # noqa: F811
    files,
    message,
):
    settings.SUPPORT_ATTACHMENT_MAX_BYTES = 1024
    shopper = UserFactory()
    client.force_login(shopper)
    before = _counts()

    response = _new_ticket(client, files)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert _counts() == before == (0, 0, 0)
    assert stored_files(private_media) == []


def test_a_bad_file_on_a_reply_writes_no_message(client, private_media):  # noqa: F811
    ticket = open_ticket()
    client.force_login(ticket.requester)
    before = _counts()
    response = client.post(
        reverse("support:ticket", args=[ticket.number]),
        {"body": "here", "attachments": [png("x.png", HTML)]},
    )
    assert response.status_code == 400
    assert "x.png is not a PNG, JPEG or PDF file." in response.content.decode()
    assert _counts() == before
    assert stored_files(private_media) == []


def test_a_reply_with_a_file_links_it_in_the_thread(client, private_media):  # noqa: F811
    ticket = open_ticket()
    client.force_login(ticket.requester)
    response = client.post(
        reverse("support:ticket", args=[ticket.number]),
        {"body": "here", "attachments": [png("proof.png")]},
        follow=True,
    )
    attachment = TicketAttachment.objects.get()
    assert attachment.message.body == "here"
    assert reverse("support:attachment", args=[attachment.pk]) in response.content.decode()


def test_the_service_refuses_with_a_code(private_media):  # noqa: F811
    from config.errors import Refusal

    with pytest.raises(Refusal) as refused:
        ticket_open_by_requester(
            requester=UserFactory(),
            subject="x",
            category="general",
            message="y",
            files=[png(f"{n}.png") for n in range(6)],
        )
    assert (refused.value.code, refused.value.field) == ("too_many_attachments", "attachments")
    assert _counts() == (0, 0, 0)
