"""Tickets for tests, opened through the real services, and the people around them."""

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from accounts.tests.factories import StaffFactory, UserFactory
from support.models import Ticket
from support.services.tickets_open import ticket_open

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
HTML = b"<html><script>alert(1)</script></html>"


def png(name="screenshot.png", content=PNG, content_type="image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def staff_in(group: str, **fields) -> User:
    staff = StaffFactory(**fields)
    staff.groups.add(Group.objects.get(name=group))
    return User.objects.get(pk=staff.pk)  # no stale permission cache


def support_agent(**fields) -> User:
    return staff_in("Support agent", **fields)


def open_ticket(requester=None, **fields) -> Ticket:
    ticket, _ = ticket_open(
        requester=requester or UserFactory(),
        subject=fields.pop("subject", "Where is my cashback?"),
        category=fields.pop("category", Ticket.Category.GENERAL),
        message=fields.pop("message", "I bought shoes last week."),
        **fields,
    )
    return ticket


@pytest.fixture
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


def stored_files(root) -> list:
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []
