"""Reading a report API: one HTTPS request through affiliates.outbound, answered in JSON.

The base URL is staff-configured (only holders of offers.manage_network_secrets may set
it), but it still goes through outbound's checks: a mistyped or malicious endpoint must
not make the worker fetch from inside our network. NETWORK_REPORTS_ALLOW_PRIVATE turns
that off for tests and closed networks, as PARTNER_POSTBACK_ALLOW_PRIVATE does for
partner postbacks.

The access token travels in the Authorization header only. Headers are never logged,
and no message raised here includes the token, the headers or the answer's body.
"""

import http.client
import json
from decimal import Decimal

from django.conf import settings

from affiliates import outbound

from .base import ReportAuthFailed, ReportNotConfigured, ReportSyncFailed


def _without(text: str, secret: str) -> str:
    return text.replace(secret, "…") if secret else text


def request_json(
    method: str, url: str, *, token: str, what: str, body: bytes | None = None, headers=None
):
    """The answer's JSON (numbers with a fraction as Decimal), or ReportSyncFailed."""
    limit = settings.NETWORK_REPORTS_MAX_BYTES
    try:
        result = outbound.send(
            method,
            url,
            body=body,
            headers={
                "User-Agent": "SaveBucks-ReportSync/1.0",
                "Accept": "application/json",
                **(headers or {}),
                "Authorization": f"Bearer {token}",
            },
            timeout=settings.NETWORK_REPORTS_TIMEOUT,
            max_bytes=limit + 1,
            allow_private=settings.NETWORK_REPORTS_ALLOW_PRIVATE,
        )
    except outbound.UnsafeTarget as exc:
        raise ReportNotConfigured(detail=f"{what}: {exc.detail}") from None
    except (OSError, http.client.HTTPException) as exc:
        # `from None`: the chained exception could carry the request it failed on.
        reason = _without(str(exc) or type(exc).__name__, token)
        raise ReportSyncFailed(detail=f"{what}: the request failed ({reason}).") from None
    if result.status in (401, 403):
        raise ReportAuthFailed(
            detail=f"{what}: the network refused our credentials (HTTP {result.status})."
        )
    if not 200 <= result.status < 300:
        raise ReportSyncFailed(detail=f"{what}: the network answered HTTP {result.status}.")
    if len(result.body.encode()) > limit:
        raise ReportSyncFailed(
            detail=f"{what}: the answer is larger than NETWORK_REPORTS_MAX_BYTES ({limit})."
        )
    try:
        return json.loads(result.body, parse_float=Decimal)
    except (ValueError, RecursionError):  # nesting past the recursion limit is no report
        raise ReportSyncFailed(detail=f"{what}: the answer is not JSON.") from None
