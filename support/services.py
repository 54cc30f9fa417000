"""Telling a user something: the one notify(), in the app and by email. Any app may call
it, and it imports nothing of theirs: callers pass plain text and an email template."""

from dataclasses import dataclass

from accounts.emails import email_queue
from accounts.models import User

from .models import Notification


@dataclass(frozen=True)
class Notice:
    """One line in the user's notifications: what happened, and where it leads."""

    title: str
    body: str = ""
    url: str = ""


def notify(
    *, user: User, notices: list[Notice], email: str = "", context: dict | None = None
) -> list[Notification]:
    """Show `notices` to `user` in the app and, with `email` (a template under emails/,
    rendered with `user` and `context`), send one email about them after commit."""
    rows = Notification.objects.bulk_create(
        Notification(user=user, title=notice.title, body=notice.body, url=notice.url)
        for notice in notices
    )
    if email:
        email_queue(to=user.email, template=email, context={"user": user, **(context or {})})
    return rows
