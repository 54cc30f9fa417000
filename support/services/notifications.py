"""A user's own notifications: the list, page by page, and marking them read.

The list walks the `support_notification_list` index (user, in_app, -id) with a keyset:
each page is the next N rows below an id, so page 5,000 costs what page 1 costs and no
COUNT(*) of the user's rows is ever made (the page links to "older" instead of numbering
pages). The unread counter moves in the same transaction as the rows it counts.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ..models import Notification, NotificationInbox

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class NotificationPage:
    items: list[Notification]
    # The id to pass as `before` for the next (older) page, or None on the last page.
    older_than: int | None


def notifications_page(user, *, before: int | None = None, size: int = PAGE_SIZE):
    """The user's shown notifications, newest first, `size` of them below id `before`.
    One query: one row more than asked tells whether an older page exists."""
    size = max(1, min(size, MAX_PAGE_SIZE))
    rows = Notification.objects.filter(user=user, in_app=True)
    if before is not None:
        rows = rows.filter(pk__lt=before)
    shown = ("id", "category", "title", "body", "url", "read_at", "created_at")
    fetched = list(rows.order_by("-id").only(*shown)[: size + 1])
    items = fetched[:size]
    return NotificationPage(items=items, older_than=items[-1].pk if len(fetched) > size else None)


def unread_count(user) -> int:
    """The header's number: the counter row by primary key, never a COUNT(*)."""
    return (
        NotificationInbox.objects.filter(pk=user.pk).values_list("unread", flat=True).first() or 0
    )


def notifications_mark_read(user, ids: list[int] | None = None) -> tuple[int, int]:
    """Mark the user's unread notices read: those in `ids` (others' ids match nothing),
    or all when `ids` is None. One UPDATE … WHERE read_at IS NULL decides which rows
    change, and the counter drops by exactly that many, in one transaction: two "read
    all" at once cannot both count the same rows (the second UPDATE waits for the first's
    row locks, then finds them read). Returns (marked, unread left)."""
    rows = Notification.objects.filter(user=user, in_app=True, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    with transaction.atomic():
        marked = rows.update(read_at=timezone.now()) if ids is None or ids else 0
        if marked:
            NotificationInbox.objects.filter(pk=user.pk).update(unread=F("unread") - marked)
    return marked, unread_count(user)
