"""Every call made to the default cache, recorded (the cache still answers): for tests
that say a path makes none, or only some."""

import contextlib

from django.core.cache import caches

METHODS = (
    "add",
    "get",
    "set",
    "touch",
    "delete",
    "get_many",
    "set_many",
    "delete_many",
    "get_or_set",
    "has_key",
    "incr",
    "decr",
    "clear",
)


@contextlib.contextmanager
def cache_calls(monkeypatch):
    """Yields the list of (method, key) calls made inside the block."""
    backend = caches["default"]
    calls: list[tuple[str, object]] = []

    def recording(name, method):
        def call(*args, **kwargs):
            calls.append((name, args[0] if args else None))
            return method(*args, **kwargs)

        return call

    with monkeypatch.context() as patch:
        for name in METHODS:
            patch.setattr(backend, name, recording(name, getattr(backend, name)))
        yield calls
