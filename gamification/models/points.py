"""The points ledger: append-only award rows and a cached balance per shopper.

Points are not money. They move only by adding rows (a correction is a negative row with
its reason and actor), and `gamification_audit` proves every cached balance equals the
sum of its rows.
"""

from django.conf import settings
from django.db import models

from wallet.models.ledger import AppendOnlyModel


class Activity(AppendOnlyModel):
    """One award (or correction, or redemption) of points, never updated or deleted."""

    class Kind(models.TextChoices):
        DAILY_BONUS = "daily_bonus", "Daily bonus"
        CASHBACK = "cashback", "Confirmed cashback"
        REFERRAL = "referral", "Referral became active"
        CHALLENGE = "challenge", "Challenge completed"
        RACE = "race", "Race finish"
        BONUS_CODE = "bonus_code", "Bonus code"
        CORRECTION = "correction", "Correction by staff"
        REDEMPTION = "redemption", "Redeemed for cash"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="activities"
    )
    kind = models.CharField(max_length=40, choices=Kind.choices, db_index=True)
    points = models.IntegerField(default=0)
    # The same award twice (a rerun job, a double click) is one row.
    idempotency_key = models.CharField(max_length=200, unique=True, null=True)
    # What earned it, e.g. "cashback_event:42" or "daily_bonus:2026-12-01".
    reference = models.CharField(max_length=100, blank=True)
    description = models.CharField(max_length=255, blank=True)
    # Corrections say why and who: shown to the shopper, never a silent overwrite.
    reason = models.CharField(max_length=255, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    metadata = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "points activity"
        verbose_name_plural = "points activities"
        permissions = [("correct_activity", "Can correct a shopper's points")]
        indexes = [models.Index(fields=["user", "created_at"])]

    def __str__(self):
        return f"{self.user_id} {self.kind} ({self.points:+d})"


class PointsBalance(models.Model):
    """The cached sum of a shopper's activity rows, changed in the same transaction."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="points_balance",
    )
    balance = models.BigIntegerField(default=0)
    # Everything ever earned (positive rows): redemptions and corrections do not lower it.
    lifetime = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(balance__gte=0), name="gamification_points_not_negative"
            )
        ]

    def __str__(self):
        return f"{self.user_id}: {self.balance} points"
