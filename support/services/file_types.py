"""The files shoppers may upload (ticket attachments, claim proofs): PNG, JPEG or PDF,
told apart by their first bytes. The name and the Content-Type the browser sends are the
sender's to choose, so neither is ever believed."""

# (magic bytes, content type, extension)
SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"%PDF-", "application/pdf", "pdf"),
)


def sniff(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) of a file starting with `head`, or None."""
    for magic, content_type, extension in SIGNATURES:
        if head.startswith(magic):
            return content_type, extension
    return None


def upload_head(upload, size: int = 8) -> bytes:
    """The first bytes of an uploaded file, leaving it rewound for whoever saves it."""
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head
