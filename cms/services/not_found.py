"""A 404 answer: a redirect rule's target if one matches, else the 404, counted in the log.

Only GET and HEAD: a form posted to a dead URL stays a 404 (a 301 would turn it into a
GET, and a bot's POSTs are not worth a row). The log is one statement per 404 (an
upsert keyed by the path's hash) and bounded: bots ask for endless random paths, so
every PRUNE_EVERY-th new row trims the table back to MAX_ROWS, dropping the least hit
and longest unseen paths first (`manage.py prune_not_found` does the same on demand).
"""

import hashlib
import logging

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.http import (
    HttpResponseGone,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
)
from django.utils import timezone

from ..models import NotFoundEntry, RedirectRule
from .redirect_rules import hit_count, redirect_find

logger = logging.getLogger(__name__)

MAX_ROWS = 50_000
PRUNE_EVERY = 1_000  # new rows (by id) between two looks at the table's size
REFERRER_LENGTH = NotFoundEntry._meta.get_field("last_referrer").max_length

GONE_PAGE = (
    "<!doctype html><html lang=en><meta charset=utf-8><title>Gone</title>"
    "<h1>Gone</h1><p>This page has been removed for good.</p>"
    '<p><a href="/">SaveBucks home</a></p></html>'
)

UPSERT = """
INSERT INTO cms_notfoundentry (path_hash, path, hits, first_seen_at, last_seen_at,
                               last_referrer)
VALUES (%s, %s, 1, %s, %s, %s)
ON CONFLICT (path_hash) DO UPDATE SET hits = cms_notfoundentry.hits + 1,
    last_seen_at = excluded.last_seen_at, last_referrer = excluded.last_referrer
RETURNING id, hits
"""


def logged_path(path: str) -> str:
    # NUL cannot be stored in a PostgreSQL text column; nobody needs to see it either.
    return path.replace("\x00", "")[: settings.CMS_NOT_FOUND_MAX_PATH]


def path_hash(path: str) -> str:
    return hashlib.sha256(logged_path(path).encode("utf-8", "surrogatepass")).hexdigest()


def redirect_or_log(request, response):
    if request.method not in ("GET", "HEAD"):
        return response
    path = request.path_info
    found = redirect_find(path, request.META.get("QUERY_STRING", ""))
    if found is not None:
        hit_count(found.rule.id)
        if found.rule.status_code == RedirectRule.StatusCode.GONE:
            return HttpResponseGone(GONE_PAGE)
        if found.rule.status_code == RedirectRule.StatusCode.FOUND:
            return HttpResponseRedirect(found.location)
        return HttpResponsePermanentRedirect(found.location)
    not_found_record(path, request.META.get("HTTP_REFERER", ""))
    return response


def not_found_record(path: str, referrer: str = "") -> None:
    """Count one 404 of `path`. A failure (read-only database, lock) is logged: the
    visitor still gets the 404 page, not a 500."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    cut = logged_path(path)
    referrer = referrer.replace("\x00", "")[:REFERRER_LENGTH]
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(UPSERT, [path_hash(path), cut, now, now, referrer])
            row_id, hits = cursor.fetchone()
    except DatabaseError:
        logger.warning("could not count a 404 of %r", cut[:100], exc_info=True)
        return
    if hits == 1 and row_id % PRUNE_EVERY == 0:
        not_found_prune()


def not_found_prune(keep: int | None = None) -> int:
    """Trim the log to `keep` rows (MAX_ROWS): paths with a rule stay, then the most hit
    and most recently seen. Returns how many rows were deleted."""
    excess = NotFoundEntry.objects.count() - (MAX_ROWS if keep is None else keep)
    if excess <= 0:
        return 0
    victims = list(
        NotFoundEntry.objects.filter(redirect=None)
        .order_by("hits", "last_seen_at")
        .values_list("pk", flat=True)[:excess]
    )
    deleted, _ = NotFoundEntry.objects.filter(pk__in=victims).delete()
    return deleted
