"""What the wallet's news means to a shopper, told through notify() after the money
has committed (the wallet's signals queue these as tasks). Keys name the event and the
step, so a redelivered task tells nobody twice."""

from collections import defaultdict

from django.urls import reverse

from wallet.models import CashbackEvent, Withdrawal

from .models import Category
from .services import notify

WITHDRAWAL_NEWS = {
    Withdrawal.Status.APPROVED: "Your withdrawal was approved",
    Withdrawal.Status.COMPLETED: "Your withdrawal was paid",
    Withdrawal.Status.REJECTED: "Your withdrawal was not approved",
    Withdrawal.Status.FAILED: "Your withdrawal could not be paid",
}


def cashback_confirmed(event_ids: list[int]) -> None:
    """A notification per confirmed event; one email per shopper naming them all, sent
    with the first of their notices."""
    events = CashbackEvent.objects.filter(pk__in=event_ids).select_related("merchant", "user")
    by_user = defaultdict(list)
    for event in events:
        by_user[event.user].append(event)
    for confirmed in by_user.values():
        for position, event in enumerate(confirmed):
            _tell_confirmed(event, email_about=confirmed if position == 0 else None)


def _tell_confirmed(event: CashbackEvent, email_about: list | None) -> None:
    notify(
        user=event.user,
        category=Category.CASHBACK,
        title=f"Cashback confirmed: {event.currency} {event.cashback_amount}",
        body=f"Your cashback from {event.merchant.name} is now available to withdraw.",
        url=reverse("dashboard"),
        key=f"cashback-confirmed:{event.pk}",
        email_template="cashback_confirmed",
        context={"events": email_about or []},
        email=email_about is not None,
    )


def withdrawal_status(withdrawal_id: int, status: str) -> None:
    title = WITHDRAWAL_NEWS.get(status)
    if title is None:
        return
    withdrawal = Withdrawal.objects.select_related("user", "method").get(pk=withdrawal_id)
    notify(
        user=withdrawal.user,
        category=Category.WITHDRAWALS,
        title=title,
        body=f"{withdrawal.currency} {withdrawal.amount} via {withdrawal.method.name}"
        + (f": {withdrawal.reason}" if withdrawal.reason else "."),
        url=reverse("wallet:withdraw"),
        key=f"withdrawal:{withdrawal.pk}:{status}",
        email_template="withdrawal_status",
        context={"withdrawal": withdrawal, "title": title},
    )
