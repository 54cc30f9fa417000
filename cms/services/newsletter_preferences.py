"""The Newsletters block of a shopper's notification settings: one box per public list
for their account's address. Ticking subscribes (confirmed at once when the address is
verified, else pending with a confirmation email); unticking unsubscribes. Consent
records say `preferences`."""

from ..models import ConsentRecord, Subscription
from ..newsletter_lists import public_lists
from .newsletter_confirm import unsubscribe_now
from .newsletter_subscribe import UnknownList, subscribe

Source = ConsentRecord.Source


def newsletter_preferences(user) -> list[dict]:
    email = user.email.strip().lower()
    states = dict(
        Subscription.objects.filter(
            email=email, newsletter__slug__in=[x.slug for x in public_lists()]
        ).values_list("newsletter__slug", "status")
    )
    return [
        {
            "list": row,
            "status": states.get(row.slug, ""),
            "on": states.get(row.slug)
            in {
                Subscription.Status.CONFIRMED,
                Subscription.Status.PENDING,
            },
        }
        for row in public_lists()
    ]


def newsletter_preferences_update(user, wanted: dict[str, bool], *, ip=None, user_agent="") -> None:
    known = {row.slug for row in public_lists()}
    unknown = set(wanted) - known
    if unknown:
        raise UnknownList(detail="There is no such newsletter.", field="list")
    email = user.email.strip().lower()
    for slug, on in wanted.items():
        row = Subscription.objects.filter(newsletter__slug=slug, email=email).first()
        state = row.status if row is not None else None
        # Ticked: a new request, or a pending one the verified account confirms at once.
        asks = state in {None, Subscription.Status.UNSUBSCRIBED} or (
            state == Subscription.Status.PENDING and user.email_verified
        )
        if on and asks:
            subscribe(
                email, slug, source=Source.PREFERENCES, ip=ip, user_agent=user_agent, user=user
            )
        elif not on and state in {Subscription.Status.PENDING, Subscription.Status.CONFIRMED}:
            unsubscribe_now(row, source=Source.PREFERENCES, ip=ip, user_agent=user_agent)
