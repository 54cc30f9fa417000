"""Ticket attachments: PNG, JPEG or PDF, told apart by their first bytes.

The client's content type and file name are never believed (an HTML page named
"receipt.png" is HTML). Every file of a message is checked before anything is written, so a
refused upload leaves no message, no row and no file. Files go to private storage under a
random name; only support.views_tickets.attachment serves them, after the access check.
"""

import os
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.template.defaultfilters import filesizeformat

from config.errors import Refusal

from ..models import TicketAttachment, TicketMessage
from .file_types import sniff, upload_head

MAX_FILES = 5


class AttachmentRefused(Refusal):
    code = "invalid_attachment"


@dataclass(frozen=True)
class CheckedFile:
    upload: object
    content_type: str
    extension: str
    name: str
    size: int


def _size(limit: int) -> str:
    return filesizeformat(limit).replace("\xa0", " ")


def _clean_name(name: str) -> str:
    base = os.path.basename((name or "").replace("\\", "/")).strip()
    return "".join(ch for ch in base if ch.isprintable())[:200] or "attachment"


def attachments_check(files) -> list[CheckedFile]:
    """Refuse the whole set (nothing written) if one file is wrong or there are too many."""
    files = list(files or [])
    if len(files) > MAX_FILES:
        raise AttachmentRefused(
            "too_many_attachments", f"At most {MAX_FILES} files per message.", "attachments"
        )
    limit = settings.SUPPORT_ATTACHMENT_MAX_BYTES
    checked = []
    for upload in files:
        name = _clean_name(getattr(upload, "name", ""))
        if upload.size > limit:
            raise AttachmentRefused(
                "attachment_too_large",
                f"{name} is larger than {_size(limit)}.",
                "attachments",
            )
        kind = sniff(upload_head(upload))
        if kind is None:
            raise AttachmentRefused(
                "attachment_type", f"{name} is not a PNG, JPEG or PDF file.", "attachments"
            )
        checked.append(CheckedFile(upload, kind[0], kind[1], name, upload.size))
    return checked


def attachments_save(message: TicketMessage, checked: list[CheckedFile]) -> list[TicketAttachment]:
    saved = []
    for item in checked:
        attachment = TicketAttachment(
            message=message,
            original_name=item.name,
            content_type=item.content_type,
            size=item.size,
        )
        # A random name: nothing about the file or its owner is guessable from its path.
        attachment.file.save(f"{secrets.token_urlsafe(24)}.{item.extension}", item.upload, False)
        attachment.save()
        saved.append(attachment)
    return saved
