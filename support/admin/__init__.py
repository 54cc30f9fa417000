"""Support's admin, one module per feature."""

from . import claims, notifications, telegram, tickets  # noqa: F401
