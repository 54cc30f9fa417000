"""Demo activity: the demo shopper's clicks, and sales the demo network reported on them,
recorded through the same services as real click-outs and postbacks."""

import uuid
from decimal import Decimal

from accounts.models import User
from offers.models import Network, Offer

from .models import Click
from .services.postbacks import NetworkSale, apply_sale

SALES = [  # offer external id, txn id, sale amount, commission, network status
    ("demo-acme-electronics-1", "DEMO-1001", "249.99", "20.00", "pending"),
    ("demo-urban-threads-2", "DEMO-1002", "80.00", "9.60", "approved"),
    ("demo-nimbus-travel-1", "DEMO-1003", "1200.00", "84.00", "pending"),
]


def seed() -> list[str]:
    shopper = User.objects.get(email="demo@savebucks.test")
    network = Network.objects.get(slug="demo")
    for external_id, txn_id, sale, commission, status in SALES:
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
        apply_sale(
            network,
            NetworkSale(
                click_id=click.click_id,
                txn_id=txn_id,
                sale_amount=Decimal(sale),
                commission=Decimal(commission),
                currency="USD",
                status=status,
            ),
        )
    return [f"shopper  {shopper.email} has {len(SALES)} clicks with pending cashback"]
