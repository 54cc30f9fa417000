"""POST /webhooks/payments/<provider>/: the gateways' signed events.

The view reads at most MAX_BODY_BYTES of the raw body (the signature covers those exact
bytes), hands it to webhook_receive, and answers JSON. A provider retries anything that is
not 2xx, so a database hiccup answers 503 (retry later), never 200, and a signature we
cannot verify answers 400 with nothing written. Nothing here logs bodies or signatures.
"""

import logging

from django.db import DatabaseError
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .gateways import WebhookRejected
from .services.webhooks import UnknownGateway, webhook_receive

log = logging.getLogger(__name__)

# Razorpay's and Stripe's events are a few KB; a bigger body is not one of them.
MAX_BODY_BYTES = 256 * 1024


def _error(status: int, code: str, detail: str) -> JsonResponse:
    return JsonResponse({"code": code, "detail": detail}, status=status)


@csrf_exempt  # the signature is the authority; providers have no session
@never_cache
@require_POST
def payment_webhook(request, provider: str):
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_BODY_BYTES:
        return _error(413, "too_large", "The event is too large.")
    body = request.read(MAX_BODY_BYTES + 1)
    if len(body) > MAX_BODY_BYTES:
        return _error(413, "too_large", "The event is too large.")
    try:
        result = webhook_receive(provider=provider, body=body, headers=request.headers)
    except UnknownGateway as exc:
        return _error(404, exc.code, exc.detail)
    except WebhookRejected as exc:
        return _error(400, getattr(exc, "code", "bad_signature"), str(exc))
    except DatabaseError:
        log.exception("%s webhook hit a database error", provider)
        return _error(503, "unavailable", "Try again shortly.")
    return JsonResponse(result)
