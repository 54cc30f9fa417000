"""Claims in test data: a shopper's click `days_ago`, and claims filed through the real
service (so each has its ticket)."""

from datetime import timedelta

from django.utils import timezone

from offers.tests.factories import MerchantFactory
from support.models import MissingCashbackClaim, Ticket, TicketMessage
from support.services.claims import claim_file
from tracking.models import Click
from tracking.tests.factories import ClickFactory


def click_days_ago(user, days: int, merchant=None) -> Click:
    click = ClickFactory(
        user=user, merchant=merchant or MerchantFactory(confirmation_days=30, claim_wait_days=3)
    )
    click.created_at = timezone.now() - timedelta(days=days)
    Click.objects.filter(pk=click.pk).update(created_at=click.created_at)
    return click


def file_claim(user, click=None, *, order_id="ORD-1", order_days_ago=9, amount="120.50"):
    """A claim for an order `order_days_ago` on a click a day before it."""
    click = click or click_days_ago(user, order_days_ago + 1)
    return claim_file(
        user=user,
        click_uuid=click.click_id,
        order_id=order_id,
        order_date=timezone.localdate() - timedelta(days=order_days_ago),
        order_amount=amount,
    )


def ready_claim(user, **kwargs) -> MissingCashbackClaim:
    claim = file_claim(user, **kwargs)
    MissingCashbackClaim.objects.filter(pk=claim.pk).update(
        status=MissingCashbackClaim.Status.READY
    )
    claim.refresh_from_db()
    return claim


def counts() -> tuple[int, int, int]:
    """(claims, tickets, ticket messages): what a refused claim must leave unchanged."""
    return (
        MissingCashbackClaim.objects.count(),
        Ticket.objects.count(),
        TicketMessage.objects.count(),
    )
