from decimal import Decimal

from django.conf import settings
from django.db import models

from config.fields import MoneyField, RateField
from config.money import money


def _platform_currency():
    return settings.PLATFORM_CURRENCY


class WithdrawalMethod(models.Model):
    """A way shoppers take cashback out, with its own minimum and fee, set by staff."""

    class Code(models.TextChoices):
        PAYPAL = "paypal", "PayPal"
        BANK = "bank", "Bank transfer"
        UPI = "upi", "UPI"
        GIFT_CARD = "gift_card", "Gift card"
        CRYPTO = "crypto", "Crypto"

    code = models.CharField(max_length=20, choices=Code.choices, unique=True)
    name = models.CharField(max_length=60)
    is_enabled = models.BooleanField(default=True)
    minimum_amount = MoneyField(default=Decimal("5.00"))
    fee_fixed = MoneyField(default=Decimal("0.00"))
    fee_percent = RateField(default=Decimal("0.0000"))
    currency = models.CharField(max_length=3, default=_platform_currency)
    sort_order = models.IntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sort_order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(minimum_amount__gte=0, fee_fixed__gte=0),
                name="wallet_method_amounts_gte_0",
            ),
            models.CheckConstraint(
                condition=models.Q(fee_percent__gte=0, fee_percent__lte=100),
                name="wallet_method_fee_percent_0_100",
            ),
        ]

    def __str__(self):
        return self.name

    def fee_for(self, amount: Decimal) -> Decimal:
        """The fee on a withdrawal of `amount`, never more than the amount itself."""
        fee = money(self.fee_fixed + amount * self.fee_percent / Decimal(100))
        return min(fee, money(amount))
