from django.utils import timezone

from accounts.models import User

from .models import Notification


def notification_send(*, user: User, title: str, body: str = "", url: str = "") -> Notification:
    return Notification.objects.create(user=user, title=title, body=body, url=url)


def notifications_mark_read(*, user: User, ids: list[int] | None = None) -> int:
    """Mark the user's unread notifications read (only theirs; all of them if no ids)."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())
