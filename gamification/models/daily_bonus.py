"""The daily bonus: a 7-day cycle of amounts (seed 000 daily_bonus_configurations) and one
claim per shopper per local day (seed 000 user_daily_bonuses)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from config.money import MONEY_FIELD


class DailyBonusDay(models.Model):
    """What day N of a streak pays; Finance edits these in the admin."""

    day_number = models.PositiveSmallIntegerField(
        unique=True, validators=[MinValueValidator(1), MaxValueValidator(7)]
    )
    amount = models.DecimalField(
        **MONEY_FIELD, default=Decimal("0.00"), validators=[MinValueValidator(Decimal("0.00"))]
    )
    points = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["day_number"]
        verbose_name = "daily bonus day"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(day_number__gte=1, day_number__lte=7),
                name="gamification_daily_bonus_day_1_to_7",
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="gamification_daily_bonus_amount_gte_0"
            ),
        ]

    def __str__(self):
        return f"Day {self.day_number}: {self.amount} + {self.points} points"


class DailyBonusClaim(models.Model):
    """One claim; the unique (user, bonus_date) is what makes a second claim that day fail,
    however many requests race for it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="daily_bonus_claims"
    )
    # The shopper's own calendar day (User.local_today), not the server's.
    bonus_date = models.DateField()
    day_number = models.PositiveSmallIntegerField()
    amount = models.DecimalField(**MONEY_FIELD)
    multiplier = models.DecimalField(max_digits=6, decimal_places=2, default=Decimal("1"))
    streak = models.PositiveIntegerField()
    # This claim continued the streak over one missed day (at most one per 30 days).
    freeze_used = models.BooleanField(default=False)
    points = models.PositiveIntegerField(default=0)
    # The ledger transaction's idempotency key: daily-bonus:<user>:<date>.
    transaction_key = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-bonus_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "bonus_date"], name="gamification_one_daily_bonus_per_day"
            )
        ]

    def __str__(self):
        return f"{self.user_id} {self.bonus_date} day {self.day_number}"
