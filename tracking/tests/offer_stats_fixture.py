"""Clicks and sales of two stores on days in and out of the last 30, every cashback status
among them, for the offers' daily figures and the staff report built on them.

Over the last 30 days (today and the 29 before), ranked by sales then clicks:

| offer      | clicks | sales | approved | sale amount | cashback | commission |
|------------|--------|-------|----------|-------------|----------|------------|
| Bolt deal  | 10     | 2     | 1        | 100.00      | 2.50     | 5.00       |
| Acme 10%   | 7      | 2     | 1        | 300.00      | 15.00    | 24.00      |
| Acme shoes | 2      | 1     | 0        | (none)      | 3.00     | 6.00       |

Acme's own row adds 3 store-wide clicks and one store-wide confirmed sale of 80.00
(cashback 4.00, commission 6.40). Left out: a rejected and a reversed sale of Acme 10%,
a rejected sale of 500.00 of Bolt deal, and clicks and a sale 30 and 40 days ago.
"""

import uuid
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.tests.factories import UserFactory
from offers.models import Merchant, Offer
from offers.tests.factories import MerchantFactory, OfferFactory
from tracking.models import Click
from wallet.models import CashbackEvent
from wallet.services.cashback import cashback_record, cashback_reject, cashback_reverse
from wallet.services.confirmation import cashback_confirm

from .factories import ClickFactory


@dataclass
class Figures:
    shopper: object
    acme: Merchant
    bolt: Merchant
    acme_ten: Offer
    acme_shoes: Offer
    bolt_deal: Offer


def clicks(offer: Offer | None, merchant: Merchant, n: int, *, days_ago: int, user=None) -> None:
    """`n` click-outs `days_ago` days ago (a minute ago for today: settled for the rollup)."""
    at = timezone.now() - timedelta(days=days_ago, minutes=1)
    made = [
        ClickFactory(offer=offer, merchant=merchant, user=user or UserFactory()) for _ in range(n)
    ]
    Click.objects.filter(pk__in=[click.pk for click in made]).update(created_at=at)


def sale(
    user,
    offer: Offer | None,
    merchant: Merchant,
    *,
    days_ago: int,
    amount: str | None,
    commission: str,
    cashback: str,
    status: str = "pending",
) -> CashbackEvent:
    """A sale the shopper made `days_ago` days ago, brought to `status` by the services."""
    event = cashback_record(
        user_id=user.pk,
        network=merchant.network,
        merchant=merchant,
        offer_id=offer.pk if offer else None,
        click_uuid=uuid.uuid4(),
        txn_id=uuid.uuid4().hex[:12],
        sale_amount=Decimal(amount) if amount is not None else None,
        commission=Decimal(commission),
        cashback=Decimal(cashback),
        currency="USD",
        network_status="pending",
        sale_at=timezone.now() - timedelta(days=days_ago),
    ).event
    set_status(event, status)
    return event


def set_status(event: CashbackEvent, status: str) -> None:
    if status in ("confirmed", "reversed"):
        cashback_confirm(event=event)
    if status == "rejected":
        cashback_reject(event=event, reason="Returned.")
    if status == "reversed":
        cashback_reverse(event=event, reason="Charged back.")


def build() -> Figures:
    acme = MerchantFactory(name="Acme")
    bolt = MerchantFactory(name="Bolt")
    acme_ten = OfferFactory(merchant=acme, title="Acme 10%")
    acme_shoes = OfferFactory(merchant=acme, title="Acme shoes")
    bolt_deal = OfferFactory(merchant=bolt, title="Bolt deal")
    shopper = UserFactory()

    clicks(acme_ten, acme, 4, days_ago=0)
    clicks(acme_ten, acme, 3, days_ago=10)
    clicks(acme_ten, acme, 5, days_ago=40)
    clicks(acme_shoes, acme, 2, days_ago=29)
    clicks(acme_shoes, acme, 1, days_ago=30)
    clicks(None, acme, 3, days_ago=5)
    clicks(bolt_deal, bolt, 10, days_ago=1)

    figures = {"commission": "8.00", "cashback": "5.00"}
    sale(shopper, acme_ten, acme, days_ago=0, amount="100.00", **figures)
    sale(
        shopper,
        acme_ten,
        acme,
        days_ago=10,
        amount="200.00",
        commission="16.00",
        cashback="10.00",
        status="confirmed",
    )
    sale(
        shopper,
        acme_ten,
        acme,
        days_ago=10,
        amount="50.00",
        commission="4.00",
        cashback="2.50",
        status="rejected",
    )
    sale(
        shopper,
        acme_ten,
        acme,
        days_ago=3,
        amount="300.00",
        commission="24.00",
        cashback="15.00",
        status="reversed",
    )
    sale(
        shopper,
        acme_ten,
        acme,
        days_ago=40,
        amount="400.00",
        commission="32.00",
        cashback="20.00",
        status="confirmed",
    )
    sale(shopper, acme_shoes, acme, days_ago=29, amount=None, commission="6.00", cashback="3.00")
    sale(
        shopper,
        None,
        acme,
        days_ago=5,
        amount="80.00",
        commission="6.40",
        cashback="4.00",
        status="confirmed",
    )
    sale(shopper, bolt_deal, bolt, days_ago=1, amount="60.00", commission="3.00", cashback="1.50")
    sale(
        shopper,
        bolt_deal,
        bolt,
        days_ago=1,
        amount="40.00",
        commission="2.00",
        cashback="1.00",
        status="confirmed",
    )
    sale(
        shopper,
        bolt_deal,
        bolt,
        days_ago=1,
        amount="500.00",
        commission="25.00",
        cashback="12.50",
        status="rejected",
    )
    return Figures(shopper, acme, bolt, acme_ten, acme_shoes, bolt_deal)
