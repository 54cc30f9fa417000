"""Races ranked by a metric a partner platform reports, and the accounts that link a
shopper to their id there (seed 004: wagerRaces, wagerRaceParticipants, historicalRaces)."""

from decimal import Decimal

from django.conf import settings
from django.db import models

from config.fields import MoneyField

# Totals the partner reports: up to a trillion with cents is far beyond any real figure,
# and the feed refuses anything larger before it reaches a column.
METRIC_FIELD = {"max_digits": 16, "decimal_places": 2}


class ExternalAccount(models.Model):
    """A shopper's id on a partner platform. Only staff-verified accounts take part in
    races: otherwise anyone could claim the top player's uid and collect their prize."""

    class Provider(models.TextChoices):
        PARTNER = "partner", "Partner platform"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="external_accounts"
    )
    provider = models.CharField(max_length=20, choices=Provider.choices, default=Provider.PARTNER)
    uid = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        permissions = [("verify_externalaccount", "Can verify a shopper's external account")]
        constraints = [
            models.UniqueConstraint(fields=["provider", "uid"], name="gamification_external_uid"),
            models.UniqueConstraint(
                fields=["user", "provider"], name="gamification_external_one_per_user"
            ),
        ]

    def __str__(self):
        return f"{self.provider}:{self.uid}"

    @property
    def verified(self) -> bool:
        return self.verified_at is not None


class Race(models.Model):
    class Type(models.TextChoices):
        WEEKLY = "weekly", "Weekly"
        MONTHLY = "monthly", "Monthly"
        WEEKEND = "weekend", "Weekend"
        CUSTOM = "custom", "Custom"

    class Status(models.TextChoices):
        UPCOMING = "upcoming", "Upcoming"
        LIVE = "live", "Live"
        COMPLETED = "completed", "Completed"

    class Metric(models.TextChoices):
        TODAY = "today", "Today"
        THIS_WEEK = "this_week", "This week"
        THIS_MONTH = "this_month", "This month"
        ALL_TIME = "all_time", "All time"
        GROWTH = "growth", "Growth since the race started"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=120, unique=True)
    type = models.CharField(max_length=20, choices=Type.choices, default=Type.CUSTOM)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.UPCOMING, db_index=True
    )
    prize_pool = MoneyField(default=Decimal("0.00"))
    prize_distribution = models.JSONField(
        default=list,
        blank=True,
        help_text='Percent of the pool for each rank, e.g. [{"ranks": "1", "percent": "50"}, '
        '{"ranks": "2-3", "percent": "25"}] (each of ranks 2 and 3 gets 25%). At most 100 in all.',
    )
    min_metric = models.DecimalField(default=Decimal("0.00"), **METRIC_FIELD)
    metric = models.CharField(max_length=20, choices=Metric.choices, default=Metric.THIS_MONTH)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    rules = models.TextField(blank=True)
    description = models.TextField(blank=True)
    repeat = models.BooleanField(
        default=False, help_text="When it completes, create the next race of the same type."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    synced_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        permissions = [("complete_race", "Can complete races now (pays prizes)")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="gamification_race_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(prize_pool__gte=0), name="gamification_race_pool_not_negative"
            ),
        ]

    def __str__(self):
        return self.title


class RaceParticipant(models.Model):
    race = models.ForeignKey(Race, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="race_entries"
    )
    # The race's score: the metric's value, or for `growth` the increase over `baseline`.
    total = models.DecimalField(default=Decimal("0.00"), **METRIC_FIELD)
    # `growth` races: the all-time figure at the first sync after the start.
    baseline = models.DecimalField(null=True, blank=True, **METRIC_FIELD)
    # Null while below the race's minimum.
    rank = models.PositiveIntegerField(null=True, blank=True)
    # The share of the prizes the current rank would win (paid only at completion).
    prize = MoneyField(default=Decimal("0.00"))
    # When the total last changed: who got there first breaks a tie's leftover cents.
    reached_at = models.DateTimeField(null=True, blank=True)
    history = models.JSONField(default=list, blank=True)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["rank", "-total", "id"]
        constraints = [
            models.UniqueConstraint(fields=["race", "user"], name="gamification_race_participant")
        ]

    def __str__(self):
        return f"{self.race_id}:{self.user_id} {self.total}"


class HistoricalRace(models.Model):
    """What a completed race looked like, written once (the race is unique here)."""

    race = models.OneToOneField(Race, null=True, on_delete=models.SET_NULL, related_name="archive")
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=120)
    type = models.CharField(max_length=20)
    metric = models.CharField(max_length=20)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    prize_pool = MoneyField()
    prizes_paid = MoneyField(default=Decimal("0.00"))
    # [{"rank", "user_id", "name", "score", "prize"}], best first.
    standings = models.JSONField(default=list)
    total_metric = models.DecimalField(max_digits=20, decimal_places=2, default=Decimal("0.00"))
    participant_count = models.PositiveIntegerField(default=0)
    completed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-ends_at", "-id"]
        verbose_name_plural = "historical races"

    def __str__(self):
        return self.title
