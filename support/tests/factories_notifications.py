"""Notifications in bulk for tests: rows and the counter as notify() leaves them."""

from support.models import Category, Notification, NotificationInbox


def notifications_for(user, count: int, *, unread: bool = True, category=Category.CASHBACK):
    """`count` shown notifications (unread unless told), the counter set to match."""
    rows = Notification.objects.bulk_create(
        Notification(
            user=user,
            category=category,
            key=f"test:{user.pk}:{n}",
            title=f"Notice {n}",
            body=f"Body {n}",
            url=f"/wallet/statement/?n={n}",
        )
        for n in range(count)
    )
    if unread:
        inbox, _ = NotificationInbox.objects.get_or_create(pk=user.pk)
        NotificationInbox.objects.filter(pk=user.pk).update(unread=inbox.unread + count)
    else:
        Notification.objects.filter(pk__in=[row.pk for row in rows]).update(
            read_at="2026-01-01T00:00Z"
        )
    return rows
