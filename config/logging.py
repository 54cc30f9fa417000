"""Structured logging: a JSON line per record, each carrying the request id."""

import contextvars
import json
import logging
from datetime import UTC, datetime

from django.http import HttpRequest

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

# Attributes every LogRecord has; anything else was passed with `extra=` and is kept.
_STANDARD_ATTRS = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "request_id"}


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


def _loggable(value):
    # Django passes the request along with every 4xx/5xx line, and its repr is the full
    # URL: a GET postback's ?token= would reach the log. The path alone says enough.
    if isinstance(value, HttpRequest):
        return f"{value.method} {value.path}"
    return value


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", request_id_var.get()),
            "message": record.getMessage(),
        }
        payload.update(
            (key, _loggable(value))
            for key, value in record.__dict__.items()
            if key not in _STANDARD_ATTRS
        )
        if record.exc_info:
            payload["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(payload, default=str)
