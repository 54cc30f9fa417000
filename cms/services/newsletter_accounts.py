"""The newsletter and the account lifecycle: a closed account is mailed no more, a purged
one leaves no address behind (accounts.signals.account_closed / account_purged).

Both the rows linked to the account (subscribed from the notification settings) and the
rows of its address (subscribed from the footer before or without logging in) count: the
person is the address."""

from django.db.models import Q

from ..models import ConsentRecord, Subscription
from .newsletter_confirm import unsubscribe_now


def _theirs(user_id: int, email: str):
    return Subscription.objects.filter(Q(user_id=user_id) | Q(email=email.strip().lower()))


def newsletter_account_closed(user) -> int:
    """Unsubscribe every list of a closed account (recorded as `account_closed`); returns
    how many were on."""
    rows = _theirs(user.pk, user.email).exclude(status=Subscription.Status.UNSUBSCRIBED)
    return sum(unsubscribe_now(row, source=ConsentRecord.Source.ACCOUNT_CLOSED) for row in rows)


def newsletter_account_purged(user_id: int, email: str) -> int:
    """Erase the subscriptions of an anonymised account with their consent records and
    delivery rows (they name the address); returns how many subscriptions."""
    subscriptions = _theirs(user_id, email)
    count = subscriptions.count()
    subscriptions.delete()
    return count
