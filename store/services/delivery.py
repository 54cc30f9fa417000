"""The delivery emails: the buyer's names the order and the page where each code is
revealed; a SaveBucks gift card's recipient learns it waits in their account. No email
ever carries a code."""

from django.conf import settings
from django.urls import reverse

from accounts.emails import email_queue

from ..models import Order, OrderItem


def delivery_emails_queue(order: Order, items: list[OrderItem]) -> None:
    """Queued after commit by the one run that fulfilled the order."""
    user = order.user
    if user.email:
        email_queue(
            to=user.email,
            template="store_order_delivered",
            context={
                "user": user,
                "order": order,
                "items": items,
                "order_url": settings.SITE_URL + order.get_absolute_url(),
                "SITE_NAME": settings.SITE_NAME,
            },
        )
    redeem_url = settings.SITE_URL + reverse("store:redeem")
    for item in items:
        if item.recipient_email:  # only SaveBucks cards take one (order_place)
            email_queue(
                to=item.recipient_email,
                template="store_gift_card_received",
                context={
                    "sender": user.get_full_name() or user.email,
                    "order": order,
                    "item": item,
                    "redeem_url": redeem_url,
                    "SITE_NAME": settings.SITE_NAME,
                },
            )
