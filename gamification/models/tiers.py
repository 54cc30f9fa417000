"""VIP tiers: staff-defined levels reached by confirmed cashback over the trailing year,
and each shopper's current tier as the nightly recompute left it."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from config.fields import MoneyField


class VipTier(models.Model):
    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    threshold = MoneyField(
        help_text="Confirmed cashback over the trailing 365 days that reaches this tier."
    )
    topup_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text="Paid on top of each confirmed cashback, e.g. 5.00 = 5 % of the cashback.",
    )
    daily_bonus_multiplier = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("10"))],
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "threshold"]
        verbose_name = "VIP tier"
        constraints = [
            models.UniqueConstraint(
                fields=["threshold"], name="gamification_tier_threshold_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(threshold__gte=0), name="gamification_tier_threshold_gte_0"
            ),
            models.CheckConstraint(
                condition=models.Q(topup_percent__gte=0, topup_percent__lte=100),
                name="gamification_tier_topup_0_100",
            ),
            models.CheckConstraint(
                condition=models.Q(daily_bonus_multiplier__gte=1),
                name="gamification_tier_multiplier_gte_1",
            ),
        ]

    def __str__(self):
        return self.name


class UserTier(models.Model):
    """Written only by recompute_tiers; the top-up and the daily bonus read it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    # PROTECT: deleting a tier shoppers hold would silently take their top-ups away.
    tier = models.ForeignKey(VipTier, on_delete=models.PROTECT, related_name="holders")
    since = models.DateTimeField()
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = "shopper's tier"

    def __str__(self):
        return f"{self.user_id}: {self.tier_id}"
