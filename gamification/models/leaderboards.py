"""Leaderboards (seed 000 leaderboard_settings / leaderboard_entries): competitions over a
calendar period, ranked live and settled with prizes when the period ends."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from config.fields import MoneyField


class Leaderboard(models.Model):
    class Type(models.TextChoices):
        EARNINGS = "earnings", "Confirmed cashback"
        REFERRALS = "referrals", "Referrals activated"
        POINTS = "points", "Points earned"
        RACE = "race", "Race standings"

    class Frequency(models.TextChoices):
        DAILY = "daily", "Daily"
        WEEKLY = "weekly", "Weekly (Monday to Sunday)"
        MONTHLY = "monthly", "Monthly"
        ALL_TIME = "all_time", "All time"

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=80, unique=True)
    type = models.CharField(max_length=16, choices=Type.choices)
    frequency = models.CharField(max_length=16, choices=Frequency.choices)
    starts_on = models.DateField(null=True, blank=True, help_text="No scores count before it.")
    ends_on = models.DateField(
        null=True, blank=True, help_text="The last day that counts; its period is the last."
    )
    prize_table = models.JSONField(
        default=list,
        blank=True,
        help_text='e.g. [{"ranks": "1", "amount": "25.00"}, {"ranks": "2-3", "amount": "10.00"}]',
    )
    # Derived from the prize table on save: what one period pays in all.
    prize_pool = MoneyField(default=0, editable=False)
    is_active = models.BooleanField(default=True)
    min_score = models.DecimalField(
        max_digits=14, decimal_places=2, default=0, help_text="Scores below it do not qualify."
    )
    race_slug = models.SlugField(
        max_length=80, blank=True, help_text="Type race only: the race whose standings it shows."
    )
    # The first day not yet settled: settlement pays each ended period once, in order.
    settled_until = models.DateField(null=True, blank=True, editable=False)
    # The live standings in use, per period start: {"2026-12-01": {"token", "refreshed_at",
    # "participants"}}. A refresh writes a new token's rows, then flips this under a row
    # lock: readers see the old standings or the new ones, never half of each.
    live = models.JSONField(default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        permissions = [("settle_leaderboard", "Can settle leaderboards (pays prizes)")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        from ..services.ranking import parse_prize_table, prize_pool

        self.prize_pool = prize_pool(parse_prize_table(self.prize_table))
        super().save(*args, **kwargs)

    def clean(self):
        from ..services.ranking import InvalidPrizeTable, parse_prize_table

        try:
            parse_prize_table(self.prize_table)
        except InvalidPrizeTable as exc:
            raise ValidationError({"prize_table": exc.detail}) from None
        if self.type == self.Type.RACE and not self.race_slug:
            raise ValidationError({"race_slug": "A race leaderboard names its race."})
        if self.type == self.Type.RACE and self.prize_table:
            raise ValidationError(
                {"prize_table": "A race pays its own prizes: a race leaderboard has none."}
            )
        if self.type != self.Type.RACE and self.race_slug:
            raise ValidationError({"race_slug": "Only a race leaderboard names a race."})
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "The end is before the start."})
        if self.min_score is not None and self.min_score < 0:
            raise ValidationError({"min_score": "The minimum score cannot be negative."})


class LeaderboardEntry(models.Model):
    """A shopper's final standing in one settled period, and the prize paid for it."""

    leaderboard = models.ForeignKey(Leaderboard, on_delete=models.PROTECT, related_name="entries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField()
    period_end = models.DateField(help_text="The period's last day.")
    rank = models.PositiveIntegerField()
    score = models.DecimalField(max_digits=16, decimal_places=2)
    prize = MoneyField(default=0)
    # The ledger key the prize was paid under; empty until it is.
    paid_transaction_key = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["leaderboard", "-period_start", "rank", "id"]
        verbose_name_plural = "leaderboard entries"
        constraints = [
            models.UniqueConstraint(
                fields=["leaderboard", "user", "period_start"], name="gamification_entry_unique"
            )
        ]
        indexes = [
            models.Index(
                fields=["leaderboard", "period_start", "rank", "id"], name="gamification_entry_rank"
            )
        ]

    def __str__(self):
        return f"{self.leaderboard_id} {self.period_start} #{self.rank} {self.user_id}"


class LiveStanding(models.Model):
    """Live standings when Redis is absent (`make run`): the same rows the sorted set
    holds, under the refresh's token. A table, not the cache: locmem is per process, and
    the refresh runs in another process than the pages."""

    leaderboard = models.ForeignKey(Leaderboard, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=32)
    position = models.PositiveIntegerField()
    user_id = models.BigIntegerField()
    rank = models.PositiveIntegerField()
    score = models.DecimalField(max_digits=16, decimal_places=2)
    prize = MoneyField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["token", "position"], name="gamification_live_pos"),
            models.UniqueConstraint(fields=["token", "user_id"], name="gamification_live_user"),
        ]

    def __str__(self):
        return f"{self.token} #{self.rank} {self.user_id}"
