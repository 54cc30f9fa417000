"""POST /telegram/webhook/: Telegram delivers each update here.

The view only checks the secret, stores the update (once per update_id) and queues its
work: Telegram waits for our answer before it sends the next update, and redelivers what
we do not answer with 200 in time.
"""

import hmac
import json

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from config.fast_insert import insert_instance

from ..models import TelegramUpdate
from .redact import start_token_redacted

# Telegram's updates are a few KB; a bigger body is not one of them.
MAX_BODY_BYTES = 256 * 1024
SECRET_HEADER = "HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN"  # noqa: S105 (a header name)


def _error(status: int, code: str, detail: str) -> JsonResponse:
    return JsonResponse({"code": code, "detail": detail}, status=status)


@csrf_exempt
@require_POST
def telegram_webhook(request):
    secret = settings.TELEGRAM_WEBHOOK_SECRET
    if not (settings.TELEGRAM_BOT_TOKEN and secret):
        return _error(404, "not_found", "Not found.")
    given = request.META.get(SECRET_HEADER, "")
    if not hmac.compare_digest(given.encode(), secret.encode()):
        return _error(403, "forbidden", "Wrong secret token.")
    if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY_BYTES:
        return _error(413, "too_large", "The update is too large.")
    body = request.read(MAX_BODY_BYTES + 1)
    if len(body) > MAX_BODY_BYTES:
        return _error(413, "too_large", "The update is too large.")
    try:
        update = json.loads(body)
    except ValueError:
        return _error(400, "invalid_json", "The body is not JSON.")
    update_id = update.get("update_id") if isinstance(update, dict) else None
    if type(update_id) is not int or not -(2**63) <= update_id < 2**63:
        return _error(400, "invalid_update", "No integer update_id.")
    update = start_token_redacted(update)
    # One statement, in autocommit: a repeat finds the row and inserts (and queues) nothing.
    if insert_instance(
        TelegramUpdate(update_id=update_id, payload=update), unless_conflict_on=("update_id",)
    ):
        transaction.on_commit(lambda: _queue(update_id))
    return HttpResponse(b'{"ok": true}', content_type="application/json")


def _queue(update_id: int) -> None:
    from .tasks import process_update

    process_update.delay(update_id)
