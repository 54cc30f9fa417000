"""What the gateways share when they read a webhook: a constant-time HMAC check and a
body that must be one JSON object. Nothing here logs: bodies carry contact and card data,
headers carry signatures."""

import hashlib
import hmac
import json

from .base import WebhookRejected


class BadPayload(WebhookRejected):
    """Signed by the provider but not an event we can read (the view answers 400)."""

    code = "bad_payload"


def hmac_hex(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_matches(*, secret: str, message: bytes, given: str) -> bool:
    """An unset secret matches nothing: a gateway without its webhook secret refuses every
    webhook instead of accepting unsigned ones."""
    if not secret or not given:
        return False
    return hmac.compare_digest(hmac_hex(secret, message).encode(), given.strip().encode())


def json_object(body: bytes) -> dict:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadPayload("The body is not JSON.") from exc
    if not isinstance(data, dict):
        raise BadPayload("The body is not a JSON object.")
    return data


def dig(data, *path, default=None):
    """data[path[0]][path[1]]…, or `default` when any step is missing or not a dict."""
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return default
        data = data[key]
    return data
