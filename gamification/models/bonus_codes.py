"""Bonus codes (seed 004 bonusCodes): a code pays a fixed amount once per shopper, up to
a total number of uses."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Upper

from config.money import MONEY_FIELD


class BonusCode(models.Model):
    # Stored upper-case (bonus_code_create normalises); the constraint on Upper() keeps
    # "welcome5" and "WELCOME5" one code even if a row is written some other way.
    code = models.CharField(max_length=40)
    description = models.CharField(max_length=255, blank=True)
    amount = models.DecimalField(**MONEY_FIELD, validators=[MinValueValidator(Decimal("0.01"))])
    expires_at = models.DateTimeField(null=True, blank=True)
    max_uses = models.PositiveIntegerField(default=0, help_text="0 means unlimited.")
    # Moved only by the conditional UPDATE in bonus_code_redeem.
    uses_count = models.PositiveIntegerField(default=0, editable=False)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(Upper("code"), name="gamification_bonus_code_unique_ci"),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="gamification_bonus_code_amount_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(max_uses=0) | models.Q(uses_count__lte=models.F("max_uses")),
                name="gamification_bonus_code_within_max_uses",
            ),
        ]

    def __str__(self):
        return self.code

    def save(self, *args, **kwargs):
        self.code = (self.code or "").strip().upper()
        super().save(*args, **kwargs)


class BonusCodeRedemption(models.Model):
    code = models.ForeignKey(BonusCode, on_delete=models.PROTECT, related_name="redemptions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bonus_code_redemptions"
    )
    amount = models.DecimalField(**MONEY_FIELD)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["code", "user"], name="gamification_bonus_code_once")
        ]

    def __str__(self):
        return f"{self.code_id} by {self.user_id}"
