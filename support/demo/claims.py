"""One missing-cashback claim on ice for the demo shopper, on a trip to a store that
reported no sale (made here: every demo click of theirs has its sale). Idempotent: the
click has a fixed id, and the claim is filed once."""

import uuid
from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from offers.models import Offer
from tracking.models import Click

from ..models import MissingCashbackClaim
from ..services.claims import claim_file

ORDER_ID = "DEMO-ORDER-1001"


def seed() -> list[str]:
    shopper = User.objects.get(email="demo@savebucks.test")
    offer = Offer.objects.select_related("merchant").get(external_id="demo-acme-electronics-1")
    merchant = offer.merchant
    existing = MissingCashbackClaim.objects.filter(
        user=shopper, merchant=merchant, order_id=ORDER_ID
    ).first()
    if existing is None:
        terms = offer.cashback_terms()
        click, _ = Click.objects.get_or_create(
            click_id=uuid.uuid5(uuid.NAMESPACE_URL, "savebucks-demo/claim/1001"),
            defaults={
                "user": shopper,
                "offer": offer,
                "merchant": merchant,
                "cashback_type": terms.type,
                "cashback_value": terms.value,
                "cashback_max": terms.max,
                "cashback_uncapped": terms.uncapped,
                "device_type": Click.Device.DESKTOP,
            },
        )
        # Bought the day after the trip, long enough ago to claim (claim_wait_days), and
        # recently enough to still be on ice (the store's validation window).
        wait = merchant.claim_wait_days + 2
        Click.objects.filter(pk=click.pk).update(
            created_at=timezone.now() - timedelta(days=wait + 1)
        )
        existing = claim_file(
            user=shopper,
            click_uuid=click.click_id,
            order_id=ORDER_ID,
            order_date=timezone.localdate() - timedelta(days=wait),
            order_amount="129.90",
        )
    return [
        f"claims   {shopper.email}: order {ORDER_ID} at {merchant.name}, "
        f"{existing.get_status_display().lower()} until {existing.ice_until:%Y-%m-%d}"
    ]
