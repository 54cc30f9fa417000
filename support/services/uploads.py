"""Claim proofs: one PNG, JPEG or PDF up to SUPPORT_ATTACHMENT_MAX_BYTES (what a ticket
attachment may be; see file_types)."""

from django.conf import settings
from django.template.defaultfilters import filesizeformat

from config.errors import Refusal

from .file_types import sniff, upload_head


class UploadRefused(Refusal):
    code = "invalid_file"


def upload_sniff(upload, *, field: str = "proof") -> tuple[str, str]:
    """The (content type, extension) of an uploaded file, or a refusal: too large
    (`file_too_large`) or not a PNG, JPEG or PDF (`invalid_file`)."""
    limit = settings.SUPPORT_ATTACHMENT_MAX_BYTES
    if upload.size is None or upload.size > limit:
        size = filesizeformat(limit).replace("\xa0", " ")
        raise UploadRefused("file_too_large", f"The file is larger than {size}.", field)
    kind = sniff(upload_head(upload))
    if kind is None:
        raise UploadRefused(detail="Upload a PNG or JPEG image or a PDF document.", field=field)
    return kind
