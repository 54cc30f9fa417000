"""Telling shoppers about their money: in-app notifications and emails, after commit."""

from collections import defaultdict

from django.urls import reverse

from accounts.emails import email_queue
from wallet.models import CashbackEvent, Withdrawal

from .models import Notification

WITHDRAWAL_NEWS = {
    Withdrawal.Status.APPROVED: "Your withdrawal was approved",
    Withdrawal.Status.COMPLETED: "Your withdrawal was paid",
    Withdrawal.Status.REJECTED: "Your withdrawal was not approved",
    Withdrawal.Status.FAILED: "Your withdrawal could not be paid",
}


def cashback_confirmed(event_ids: list[int]) -> None:
    events = CashbackEvent.objects.filter(pk__in=event_ids).select_related("merchant", "user")
    by_user = defaultdict(list)
    notifications = []
    for event in events:
        by_user[event.user].append(event)
        notifications.append(
            Notification(
                user_id=event.user_id,
                title=f"Cashback confirmed: {event.currency} {event.cashback_amount}",
                body=f"Your cashback from {event.merchant.name} is now available to withdraw.",
                url=reverse("dashboard"),
            )
        )
    Notification.objects.bulk_create(notifications)
    for user, confirmed in by_user.items():
        email_queue(
            to=user.email,
            template="cashback_confirmed",
            context={"user": user, "events": confirmed},
        )


def withdrawal_status(withdrawal_id: int, status: str) -> None:
    title = WITHDRAWAL_NEWS.get(status)
    if title is None:
        return
    withdrawal = Withdrawal.objects.select_related("user", "method").get(pk=withdrawal_id)
    Notification.objects.create(
        user=withdrawal.user,
        title=title,
        body=f"{withdrawal.currency} {withdrawal.amount} via {withdrawal.method.name}"
        + (f": {withdrawal.reason}" if withdrawal.reason else "."),
        url=reverse("wallet:withdraw"),
    )
    email_queue(
        to=withdrawal.user.email,
        template="withdrawal_status",
        context={"withdrawal": withdrawal, "title": title},
    )
