import logging
import re
import time
import uuid

from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.messages.storage import default_storage
from django.utils.functional import SimpleLazyObject, empty

from .logging import request_id_var

logger = logging.getLogger("savebucks.request")

# An upstream proxy's id is reused only if it cannot smuggle anything into our logs.
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Tags each request with an id (the caller's X-Request-ID if sane), logs it once."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                },
            )
            return response
        finally:
            request_id_var.reset(token)


class LazyMessageMiddleware(MessageMiddleware):
    """Django's messages, with the storage built only when something reads or adds one.

    A redirect (/go/, /out/, the postbacks' JSON) never does; building the cookie and
    session storages and saving them back cost each such request for nothing. A page that
    shows messages, or a view that adds one, gets the same storage as before."""

    def process_request(self, request):
        request._messages = SimpleLazyObject(lambda: default_storage(request))

    def process_response(self, request, response):
        messages = getattr(request, "_messages", None)
        if isinstance(messages, SimpleLazyObject) and messages._wrapped is empty:
            return response  # never used: nothing to store
        return super().process_response(request, response)
