"""A link token must not sit in the database in clear, even for the seconds between the
webhook and the task: `/start <token>` is stored as `/start sha256:<digest>`, which is
all the link needs (tokens are looked up by digest). Whatever the sender wrote is hashed,
even text that already looks like `sha256:<digest>`: a digest read from the database is
not a token, and must not link a chat."""

from accounts.services.telegram import token_digest

DIGEST_PREFIX = "sha256:"


def start_token_redacted(update: dict) -> dict:
    message = update.get("message")
    text = message.get("text") if isinstance(message, dict) else None
    if not isinstance(text, str) or not text.lstrip().lower().startswith("/start"):
        return update
    words = text.split()
    if len(words) < 2:
        return update
    message["text"] = f"{words[0]} {DIGEST_PREFIX}{token_digest(words[1])}"
    return update
