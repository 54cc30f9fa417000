from decimal import Decimal

from django.conf import settings
from django.db import models

from config.fields import MoneyField


class Referral(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"  # signed up, no confirmed cashback yet
        ACTIVE = "active", "Active"  # first cashback confirmed; bonus paid
        INACTIVE = "inactive", "Inactive"

    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="referrals_made"
    )
    # A person is referred once, by one referrer.
    referred = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="referral"
    )
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    total_earned = MoneyField(default=Decimal("0.00"))
    activated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(referrer=models.F("referred")),
                name="accounts_referral_not_self",
            ),
            models.CheckConstraint(
                condition=models.Q(total_earned__gte=0), name="accounts_referral_earned_gte_0"
            ),
        ]

    def __str__(self):
        return f"{self.referrer} → {self.referred}"
