"""Demo activity: the demo shopper's clicks, and sales the demo network reported on them,
recorded through the same services as real click-outs and postbacks."""

import uuid
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from offers.models import Network, Offer
from wallet.models import CashbackEvent
from wallet.services.confirmation import cashback_confirm

from .models import Click
from .services.postbacks import NetworkSale, apply_sale

SALES = [  # offer external id, txn id, sale, commission, network status, days ago, confirm
    ("demo-glow-beauty-1", "DEMO-0901", "500.00", "40.00", "approved", 150, True),
    ("demo-stride-shoes-1", "DEMO-0902", "120.00", "15.00", "approved", 100, True),
    ("demo-urban-threads-2", "DEMO-1002", "80.00", "9.60", "approved", 40, True),
    ("demo-acme-electronics-1", "DEMO-1001", "249.99", "20.00", "pending", 12, False),
    ("demo-nimbus-travel-1", "DEMO-1003", "1200.00", "84.00", "pending", 3, False),
]


def seed() -> list[str]:
    shopper = User.objects.get(email="demo@savebucks.test")
    network = Network.objects.get(slug="demo")
    for external_id, txn_id, sale, commission, status, days_ago, confirm in SALES:
        offer = Offer.objects.select_related("merchant").get(external_id=external_id)
        terms = offer.cashback_terms()
        # A fixed id per sale keeps re-seeding idempotent.
        click, _ = Click.objects.get_or_create(
            click_id=uuid.uuid5(uuid.NAMESPACE_URL, f"savebucks-demo/{txn_id}"),
            defaults={
                "user": shopper,
                "offer": offer,
                "merchant": offer.merchant,
                "cashback_type": terms.type,
                "cashback_value": terms.value,
                "cashback_max": terms.max,
                "cashback_uncapped": terms.uncapped,
                "device_type": Click.Device.DESKTOP,
            },
        )
        event = apply_sale(
            network,
            NetworkSale(
                click_id=click.click_id,
                txn_id=txn_id,
                sale_amount=Decimal(sale),
                commission=Decimal(commission),
                currency="USD",
                status=status,
            ),
        ).event
        # Spread the history over past months, so the dashboard chart has a shape.
        reported = timezone.now() - timedelta(days=days_ago)
        CashbackEvent.objects.filter(pk=event.pk).update(
            created_at=reported,
            expected_confirmation_at=reported + timedelta(days=offer.merchant.confirmation_days),
        )
        Click.objects.filter(pk=click.pk).update(created_at=reported - timedelta(hours=2))
        if confirm:
            cashback_confirm(event=event)
    confirmed = sum(1 for sale in SALES if sale[-1])
    return [
        f"shopper  {shopper.email}: verified email and KYC, {confirmed} confirmed and "
        f"{len(SALES) - confirmed} pending cashback"
    ]
