"""Converting a reported amount into the platform currency at its sale date's rate."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings

from config.errors import Refusal
from config.money import money

from ..models import FxRate


class NoFxRate(Refusal):
    """Nothing to convert with yet: the report is kept and can be replayed once staff add
    the rate."""

    http_status = 422
    code = "no_fx_rate"


@dataclass(frozen=True)
class FxConversion:
    currency: str  # as reported
    rate: Decimal | None  # None: already the platform currency

    def __call__(self, amount: Decimal | None) -> Decimal | None:
        """`amount` in the platform currency, rounded once to cents."""
        if amount is None or self.rate is None:
            return amount
        return money(amount * self.rate)

    @property
    def foreign(self) -> bool:
        return self.rate is not None


def fx_conversion(currency: str, on: date) -> FxConversion:
    """How to convert `currency` on day `on`: its rate that day, else the latest in the
    FX_RATE_MAX_AGE_DAYS before; NoFxRate when there is none."""
    currency = currency.upper()
    if currency == settings.PLATFORM_CURRENCY:
        return FxConversion(currency, None)
    oldest = on - timedelta(days=settings.FX_RATE_MAX_AGE_DAYS)
    rate = (
        FxRate.objects.filter(currency=currency, date__lte=on, date__gte=oldest)
        .order_by("-date")
        .values_list("rate", flat=True)
        .first()
    )
    if rate is None:
        raise NoFxRate(
            detail=f"No {currency} rate for {on} or the {settings.FX_RATE_MAX_AGE_DAYS} days "
            "before it; the report is logged and can be replayed once staff add one."
        )
    return FxConversion(currency, rate)
