from dataclasses import dataclass
from decimal import Decimal

from django.db import models


class CashbackType(models.TextChoices):
    PERCENTAGE = "percentage", "Percentage of the sale"
    FIXED = "fixed", "Fixed amount"


@dataclass(frozen=True)
class CashbackTerms:
    """The cashback a click earns: snapshotted onto the click, applied to its sales."""

    type: str
    value: Decimal
    max: Decimal | None
    uncapped: bool  # may exceed the network's commission

    def describe(self, currency: str) -> str:
        """ "7.5% cashback (up to USD 20.00)", "USD 3.00 cashback"."""
        if self.type == CashbackType.PERCENTAGE:
            label = f"{self.value.normalize():f}% cashback"
            if self.max is not None:
                label += f" (up to {currency} {self.max})"
            return label
        return f"{currency} {self.value.quantize(Decimal('0.01'))} cashback"
