"""Which affiliate clicks are a visitor's first to a link within the window
(AFFILIATE_UNIQUE_CLICK_WINDOW): decided by the minute roll-up, not by /go/.

/go/ writes every click as unique unless it is a bot (provisional: nothing reads it
before the roll-up, which decides and counts in the same transaction). The roll-up then
takes the clicks above its own watermark (RollupState "affiliate_click_unique") in id
order, under the affiliate-clicks roll-up's row lock, and for each non-bot click:

- a repeat of an earlier click of the same batch whose window it falls in (the batch's
  own memory, so two repeats in one batch need no answer from Redis);
- otherwise, while the click's window is still open, the same Redis key /go/ used to set
  (`cache.add`, expiring when it would have had it been set at click time): taken means
  a repeat;
- a click whose window has already closed (a backlog older than the window) is decided
  against the earlier clicks of its batch only: its key would have expired by now anyway,
  but a visit whose window opened in an earlier batch is not seen, so such a backlog may
  count a visitor unique once more per batch.

The repeats are set is_unique = false in one UPDATE (per thousand), then counted. A cache
that cannot be reached raises: the whole roll-up rolls back and the next minute's run
tries again, so the counts lag and are never wrong. rebuild_rollups never moves this
watermark back: a rebuild recounts the decisions already written (deciding again would
find every key taken and call every click a repeat).
"""

import hashlib
import math
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import timezone

from ..models import AffiliateClick, RollupState

WATERMARK = "affiliate_click_unique"
UPDATE_CHUNK = 1000
PAGE = 5000


def visitor_key(link_id: int, ip: str | None, user_agent: str) -> str:
    """The key /go/ set before the decision moved here: the same, so a visitor seen just
    before a deploy is still seen after it."""
    digest = hashlib.sha256(f"{link_id}|{ip}|{user_agent}".encode()).hexdigest()[:32]
    return f"go:seen:{digest}"


def unique_visitors_decide(window: QuerySet, *, upper: int, counted_through: int) -> int:
    """Decide the clicks of `window` (ids up to `upper`) not decided yet; returns how many
    were repeats. Called by the roll-up under its row lock, inside its transaction."""
    state, _ = RollupState.objects.select_for_update().get_or_create(
        # Created here only when no migration made it (a fresh database): the rows the
        # roll-up has counted were decided when they were counted.
        name=WATERMARK,
        defaults={"last_id": counted_through},
    )
    if state.last_id >= upper:
        return 0
    rows = window.filter(is_bot=False).order_by("pk")
    repeats = _repeats(_pages(rows, after=state.last_id), timezone.now())
    for start in range(0, len(repeats), UPDATE_CHUNK):
        AffiliateClick.objects.filter(pk__in=repeats[start : start + UPDATE_CHUNK]).update(
            is_unique=False
        )
    state.last_id = upper
    state.save(update_fields=["last_id", "updated_at"])
    return len(repeats)


def _pages(rows: QuerySet, *, after: int):
    """The rows in id order, a page at a time by id (lists, not a server-side cursor: a
    cursor would not outlive the transaction's rollback when the cache fails)."""
    while True:
        page = list(
            rows.filter(pk__gt=after).values_list(
                "pk", "link_id", "ip", "user_agent", "created_at"
            )[:PAGE]
        )
        yield from page
        if len(page) < PAGE:
            return
        after = page[-1][0]


def _repeats(rows, now: datetime) -> list[int]:
    window = settings.AFFILIATE_UNIQUE_CLICK_WINDOW
    # key → when the visit that opened its window (in this batch) happened.
    opened: dict[str, datetime] = {}
    repeats = []
    for pk, link_id, ip, user_agent, created_at in rows:
        key = visitor_key(link_id, ip, user_agent)
        since = opened.get(key)
        if since is not None and (created_at - since).total_seconds() < window:
            repeats.append(pk)
            continue
        remaining = (created_at - now).total_seconds() + window
        # Whole seconds, at least one: a timeout of 0 would not keep the key at all.
        if remaining > 0 and not cache.add(key, 1, timeout=max(1, math.ceil(remaining))):
            repeats.append(pk)
            continue
        opened[key] = created_at
    return repeats
