"""Plain rows the hot paths read (a link, an offer, a store), kept per process.

Each cache keeps what its loader returned (a frozen dataclass, or None for a key that
does not exist) by key. A version number in the shared cache (Redis in production) says
when the rows it was built from changed; a process looks at it at most once a second
and drops its rows when it moved. So a change is seen everywhere within a second, and a
redirect costs no query for its lookup.

Every change of a model a cache depends on bumps its version: post_save and post_delete
(connected here for each dependency), and `rows_changed(Model)` after a QuerySet.update()
(which sends no signal). The bump is published after the transaction commits: bumped
before, another process could reload the old row and keep it under the new version. The
process making the change drops its own rows at once as well, so it never serves the old
row to itself (its tests run inside a transaction that never commits).
"""

import contextlib
import logging
import secrets
import time
from collections.abc import Callable, Hashable

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

CHECK_EVERY = 1.0  # seconds between two looks at the shared version, per process
# Rows are reloaded after this long whatever the version says: the net under a bump that
# never reached Redis (down at the moment of the commit), which would otherwise leave a
# paused link redirecting until the next change.
MAX_ROW_AGE = 60.0
clock = time.monotonic  # a module attribute, so that tests can move time on
_MISSING = object()
logger = logging.getLogger(__name__)

_caches_by_model: dict[type, list["RowCache"]] = {}
_all: list["RowCache"] = []


def _fresh_version() -> int:
    # A random start, not 1: after Redis loses the key (restart, eviction, a test's
    # cache.clear()), the new number must not happen to equal the one a process holds.
    return 1 + secrets.randbelow(2**62)


class RowCache:
    def __init__(
        self,
        name: str,
        load: Callable[[Hashable], object],
        *,
        depends_on: tuple[type, ...],
        max_rows: int = 20_000,
    ):
        self.name = name
        self.version_key = f"row-cache:{name}:version"
        self._load = load
        self._max_rows = max_rows
        self._rows: dict = {}
        self._version = None
        self._checked_at = float("-inf")
        self._filled_at = float("-inf")
        # Moves whenever the rows are dropped for a change (not for age): a loader that is
        # costly to run can keep what it built while this stands (redirect_rules).
        self.changes = 0
        _all.append(self)
        for model in depends_on:
            _caches_by_model.setdefault(model, []).append(self)
            uid = f"row_cache.{name}.{model._meta.label}"
            post_save.connect(_on_change, sender=model, dispatch_uid=f"{uid}.save")
            post_delete.connect(_on_change, sender=model, dispatch_uid=f"{uid}.delete")

    def get(self, key):
        """The row for `key` (None if there is none), from this process's copy when the
        version has not moved."""
        self._check_version()
        # Taken before the load: if the rows are dropped while it runs (another thread saw
        # a new version), what it read goes into the dropped dict, not the new one.
        rows = self._rows
        row = rows.get(key, _MISSING)
        if row is _MISSING:
            row = self._load(key)
            if len(rows) >= self._max_rows:
                self._evict_oldest(rows)
            rows[key] = row
        return row

    @staticmethod
    def _evict_oldest(rows: dict) -> None:
        """Oldest first: a scan of made-up keys cannot grow the process."""
        # StopIteration, RuntimeError: emptied or changed by another thread meanwhile.
        with contextlib.suppress(StopIteration, RuntimeError):
            rows.pop(next(iter(rows)), None)

    def _check_version(self) -> None:
        now = clock()
        if now - self._checked_at < CHECK_EVERY:
            return
        # Read before any row is loaded under it: a row read after this is at least as
        # new as the version, so an older row can never be kept under a newer version.
        version = cache.get(self.version_key)
        if version is None:
            cache.add(self.version_key, _fresh_version(), timeout=None)
            version = cache.get(self.version_key)
        if version != self._version or now - self._filled_at > MAX_ROW_AGE:
            if version != self._version:
                self.changes += 1
            self._rows = {}
            self._version = version
            self._filled_at = now
        self._checked_at = now

    def forget(self) -> None:
        """Drop this process's rows and look at the version on the next read."""
        self._rows = {}
        self.changes += 1
        self._checked_at = float("-inf")

    def bump(self) -> None:
        """The rows changed: this process forgets now, every process once committed."""
        self.forget()
        transaction.on_commit(self._publish)

    def _publish(self) -> None:
        self.forget()
        try:
            try:
                cache.incr(self.version_key)
            except ValueError:  # not there: any new number moves every process
                cache.set(self.version_key, _fresh_version(), timeout=None)
        except Exception:
            # The change is committed; answering 500 for it would help nobody, and the
            # callbacks after this one (outbound postbacks) must still run. Other
            # processes see it when their rows reach MAX_ROW_AGE.
            logger.exception("could not publish a change of the %s rows", self.name)


def rows_changed(model: type) -> None:
    """Call after changing `model` rows without a signal (QuerySet.update())."""
    for row_cache in _caches_by_model.get(model, ()):
        row_cache.bump()


def forget_all() -> None:
    """Every cache of this process starts empty (tests: each starts from its own data)."""
    for row_cache in _all:
        row_cache.forget()


def _on_change(sender, raw=False, **kwargs):
    rows_changed(sender)
