"""Files shoppers upload (claim proofs): PNG, JPEG or PDF up to 5 MB, judged by their
first bytes, never by the name or the Content-Type the browser claims (both are the
sender's to choose)."""

from config.errors import Refusal

MAX_UPLOAD_BYTES = 5 * 1024 * 1024

# Magic numbers: what the file's first bytes must be for each type we keep.
SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"%PDF-", "application/pdf", "pdf"),
)


class UploadRefused(Refusal):
    code = "invalid_file"


def upload_sniff(upload, *, field: str = "proof") -> tuple[str, str]:
    """The (content type, extension) of an uploaded file, or a refusal: too large
    (`file_too_large`) or not a PNG, JPEG or PDF (`invalid_file`)."""
    if upload.size is None or upload.size > MAX_UPLOAD_BYTES:
        raise UploadRefused(
            "file_too_large", "The file is larger than 5 MB; upload a smaller one.", field
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    for magic, content_type, extension in SIGNATURES:
        if head.startswith(magic):
            return content_type, extension
    raise UploadRefused(detail="Upload a PNG or JPEG image or a PDF document.", field=field)
