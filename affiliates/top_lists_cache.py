"""The top lists' sums over the daily stats, kept until the stats are next recounted.

The daily stats tables are written only by `daily_stats_refresh` (every minute), and
summing 30 days of them reads a row per partner and day: the page's cost would grow with
the number of partners, although the answer only changes when the recount writes. So the
sums are cached under a generation the recount replaces after it commits: a page never
shows sums older than the stats it would read itself. Names and statuses (which campaigns
are live, what a partner is called) are still read on every request.
"""

import uuid

from django.core.cache import cache
from django.db import connection, transaction

GENERATION = "affiliates:daily-stats:generation"
# A bound, not the freshness rule: a new generation makes the entries unreachable at once.
TIMEOUT = 24 * 3600


def _generation() -> str:
    current = cache.get(GENERATION)
    if current is None:
        # Lost (evicted, flushed): a new one, so no entry cached before can be read again.
        cache.add(GENERATION, uuid.uuid4().hex, timeout=None)
        current = cache.get(GENERATION)
    return current


def stats_changed() -> None:
    """Call after writing the daily stats: later reads sum them afresh."""
    cache.set(GENERATION, uuid.uuid4().hex, timeout=None)
    if connection.in_atomic_block:
        # Inside an outer transaction the rows are not visible to others yet: a reader in
        # between would cache the old sums under the new generation. Replace it again
        # once they are.
        transaction.on_commit(lambda: cache.set(GENERATION, uuid.uuid4().hex, timeout=None))


def cached_sums(name: str, compute):
    """`compute()`'s result, at most one computation per recount (and per key)."""
    key = f"affiliates:top-lists:{_generation()}:{name}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value
