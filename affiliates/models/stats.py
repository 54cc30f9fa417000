from django.db import models

from config.fields import MoneyField


class CampaignDailyStats(models.Model):
    """One campaign's day, for the affiliate manager's top lists: clicks (from the daily
    click rollup) and conversions, recounted every minute for the trailing weeks by
    `daily_stats_refresh` (a conversion's status keeps changing long after its day)."""

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    clicks = models.PositiveBigIntegerField(default=0)
    unique_clicks = models.PositiveBigIntegerField(default=0)
    conversions = models.PositiveIntegerField(default=0)
    earnings = MoneyField(default=0)
    sales = MoneyField(default=0)

    class Meta:
        verbose_name_plural = "campaign daily stats"
        constraints = [
            models.UniqueConstraint(fields=["day", "campaign"], name="affiliates_campaign_day")
        ]

    def __str__(self):
        return f"{self.campaign_id} {self.day}: {self.clicks} clicks, {self.conversions} conv."


class PartnerDailyStats(models.Model):
    """One partner's day of conversions (not declined), for the top-partners list."""

    partner = models.ForeignKey("affiliates.Partner", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    conversions = models.PositiveIntegerField(default=0)
    earnings = MoneyField(default=0)
    on_hold = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = "partner daily stats"
        constraints = [
            models.UniqueConstraint(fields=["day", "partner"], name="affiliates_partner_day")
        ]

    def __str__(self):
        return f"{self.partner_id} {self.day}: {self.conversions} conversions"
