import secrets

from django.db import models

from config.fields import MoneyField

SLUG_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def generate_link_slug() -> str:
    return "".join(secrets.choice(SLUG_ALPHABET) for _ in range(8))


class Link(models.Model):
    """A partner's tracked link to a campaign: /go/<slug>/ redirects to its destination."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"

    partner = models.ForeignKey(
        "affiliates.Partner", on_delete=models.CASCADE, related_name="links"
    )
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.PROTECT, related_name="+")
    slug = models.SlugField(max_length=64, unique=True, default=generate_link_slug)
    name = models.CharField(max_length=200)
    destination_url = models.CharField(
        max_length=1000,
        help_text="On one of the campaign's domains; macros {click_id} {sub1} {sub2} {sub3} "
        "{affiliate_id} {campaign_id}.",
    )
    sub1 = models.CharField(max_length=255, blank=True)
    sub2 = models.CharField(max_length=255, blank=True)
    sub3 = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE)
    # Totals, kept with F(): clicks by the rollup job, conversions as they are recorded.
    clicks_count = models.PositiveBigIntegerField(default=0, editable=False)
    unique_clicks_count = models.PositiveBigIntegerField(default=0, editable=False)
    conversions_count = models.PositiveBigIntegerField(default=0, editable=False)
    earnings = MoneyField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["partner", "campaign"])]

    def __str__(self):
        return f"{self.name} (/go/{self.slug}/)"


class DailyClicks(models.Model):
    """Clicks per partner, link, day and sub1: what dashboards and reports read, rolled up
    from the raw clicks so that they never scan millions of rows."""

    partner = models.ForeignKey("affiliates.Partner", on_delete=models.CASCADE, related_name="+")
    link = models.ForeignKey(Link, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sub1 = models.CharField(max_length=255, blank=True)
    clicks = models.PositiveBigIntegerField(default=0)
    unique_clicks = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name_plural = "daily clicks"
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "link", "day", "sub1"], name="affiliates_daily_clicks_unique"
            )
        ]
        indexes = [models.Index(fields=["partner", "day"])]

    def __str__(self):
        return f"{self.link_id} {self.day} {self.sub1}: {self.clicks}"
