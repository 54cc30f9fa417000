"""Challenges staff set and shoppers enter with a proof link (seed 004: challenges,
challengeEntries)."""

from decimal import Decimal

from django.conf import settings
from django.db import models

from config.fields import MoneyField


class Challenge(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        LIVE = "live", "Live"
        CLOSED = "closed", "Closed"

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    prize_amount = MoneyField(default=Decimal("0.00"))
    max_winners = models.PositiveIntegerField(default=1)
    # Approvals so far; moved only by a conditional UPDATE that stops at max_winners.
    winners_count = models.PositiveIntegerField(default=0, editable=False)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(winners_count__lte=models.F("max_winners")),
                name="gamification_challenge_winners_within_max",
            ),
            models.CheckConstraint(
                condition=models.Q(prize_amount__gte=0),
                name="gamification_challenge_prize_not_negative",
            ),
        ]

    def __str__(self):
        return self.title


class ChallengeEntry(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="entries")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="challenge_entries"
    )
    proof_url = models.URLField(max_length=500)
    note = models.TextField(blank=True, max_length=1000)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "challenge entries"
        permissions = [("approve_challengeentry", "Can approve or reject challenge entries")]
        constraints = [
            models.UniqueConstraint(fields=["challenge", "user"], name="gamification_one_entry")
        ]

    def __str__(self):
        return f"{self.challenge_id}:{self.user_id} {self.status}"
