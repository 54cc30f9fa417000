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
        if self.type == CashbackType.PERCENTAGE:
            amount = f"{self.value.normalize():f}%"
        else:
            amount = f"{currency} {self.value.quantize(Decimal('0.01'))}"
        return f"{amount} cashback"
