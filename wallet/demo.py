"""Demo money settings: an EUR rate for each of the last 30 days, so that a sale the demo
network reports in EUR converts (postbacks convert at the rate of the sale date)."""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from .models import FxRate

EUR_RATE = Decimal("1.08")  # platform units per EUR
FX_DAYS = 30


def seed() -> list[str]:
    if settings.PLATFORM_CURRENCY == "EUR":
        return []
    today = timezone.localdate()
    for back in range(FX_DAYS):
        # get_or_create: a rate staff set for a day stays, and a second load writes nothing.
        FxRate.objects.get_or_create(
            currency="EUR",
            date=today - timedelta(days=back),
            defaults={"rate": EUR_RATE, "source": "demo"},
        )
    return [
        f"fx       EUR at {EUR_RATE} {settings.PLATFORM_CURRENCY} for each of the last "
        f"{FX_DAYS} days"
    ]
