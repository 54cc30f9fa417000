"""What the wallet's news means to a shopper, told through notify() after the money
has committed (the wallet's signals queue these as tasks)."""

from collections import defaultdict

from django.urls import reverse

from wallet.models import CashbackEvent, Withdrawal

from .services import Notice, notify

WITHDRAWAL_NEWS = {
    Withdrawal.Status.APPROVED: "Your withdrawal was approved",
    Withdrawal.Status.COMPLETED: "Your withdrawal was paid",
    Withdrawal.Status.REJECTED: "Your withdrawal was not approved",
    Withdrawal.Status.FAILED: "Your withdrawal could not be paid",
}


def cashback_confirmed(event_ids: list[int]) -> None:
    """A notification per event, one email per shopper."""
    events = CashbackEvent.objects.filter(pk__in=event_ids).select_related("merchant", "user")
    by_user = defaultdict(list)
    for event in events:
        by_user[event.user].append(event)
    for user, confirmed in by_user.items():
        notify(
            user=user,
            notices=[
                Notice(
                    title=f"Cashback confirmed: {event.currency} {event.cashback_amount}",
                    body=f"Your cashback from {event.merchant.name} is now available to withdraw.",
                    url=reverse("dashboard"),
                )
                for event in confirmed
            ],
            email="cashback_confirmed",
            context={"events": confirmed},
        )


def withdrawal_status(withdrawal_id: int, status: str) -> None:
    title = WITHDRAWAL_NEWS.get(status)
    if title is None:
        return
    withdrawal = Withdrawal.objects.select_related("user", "method").get(pk=withdrawal_id)
    notify(
        user=withdrawal.user,
        notices=[
            Notice(
                title=title,
                body=f"{withdrawal.currency} {withdrawal.amount} via {withdrawal.method.name}"
                + (f": {withdrawal.reason}" if withdrawal.reason else "."),
                url=reverse("wallet:withdraw"),
            )
        ],
        email="withdrawal_status",
        context={"withdrawal": withdrawal, "title": title},
    )
