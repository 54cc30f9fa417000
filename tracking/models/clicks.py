import uuid

from django.conf import settings
from django.db import models

from config.fields import MoneyField, RateField


class Click(models.Model):
    """A shopper leaving for a store through us. Its click_id travels to the network and
    comes back on the postback; the cashback terms are frozen here at click time."""

    class Device(models.TextChoices):
        DESKTOP = "desktop", "Desktop"
        MOBILE = "mobile", "Mobile"
        TABLET = "tablet", "Tablet"
        BOT = "bot", "Bot"

    click_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Anonymous clicks are tracked too, but earn nothing.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    offer = models.ForeignKey(
        "offers.Offer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    merchant = models.ForeignKey("offers.Merchant", on_delete=models.PROTECT, related_name="+")
    cashback_type = models.CharField(max_length=16)
    cashback_value = RateField()
    cashback_max = MoneyField(null=True, blank=True)
    cashback_uncapped = models.BooleanField(default=False)
    # The store's share of a commission reported without a sale amount, and its category
    # rates valid at click time (none when the offer has terms of its own): later rate
    # changes never touch a click already made.
    cashback_share = RateField(max_digits=7, default=50)
    rates = models.JSONField(default=list, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=512, blank=True)
    device_type = models.CharField(max_length=10, choices=Device.choices, blank=True)
    referrer = models.CharField(max_length=512, blank=True)
    country = models.CharField(max_length=2, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "created_at"]),
            models.Index(fields=["merchant", "created_at"]),
            models.Index(fields=["offer", "created_at"]),
        ]

    def __str__(self):
        return str(self.click_id)


class OfferView(models.Model):
    """One view of an offer's page: a single narrow insert, rolled up into the offer's
    views_count by `rollup_counters`."""

    offer = models.ForeignKey("offers.Offer", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"view of offer {self.offer_id}"


class RollupState(models.Model):
    """How far a rollup job has read an append-only table (by id)."""

    name = models.CharField(max_length=60, unique=True)
    last_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.name} @ {self.last_id}"


class AffiliateClick(models.Model):
    """A visit through a partner's /go/ link. Its click_id comes back on the advertiser's
    conversion postback and ties the conversion to the partner, campaign and sub-ids."""

    click_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    link = models.ForeignKey("affiliates.Link", on_delete=models.PROTECT, related_name="+")
    partner = models.ForeignKey("affiliates.Partner", on_delete=models.PROTECT, related_name="+")
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.PROTECT, related_name="+")
    sub1 = models.CharField(max_length=255, blank=True)
    sub2 = models.CharField(max_length=255, blank=True)
    sub3 = models.CharField(max_length=255, blank=True)
    utm_source = models.CharField(max_length=255, blank=True)
    utm_medium = models.CharField(max_length=255, blank=True)
    utm_campaign = models.CharField(max_length=255, blank=True)
    utm_term = models.CharField(max_length=255, blank=True)
    utm_content = models.CharField(max_length=255, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=512, blank=True)
    device_type = models.CharField(max_length=10, blank=True)
    referrer = models.CharField(max_length=512, blank=True)
    country = models.CharField(max_length=2, blank=True)
    # The first visit of this ip + user agent to this link within the window; bots never.
    # Written provisionally (not is_bot) by /go/ and decided by the minute roll-up before
    # it counts the click (tracking/services/unique_visitors.py): final within a minute.
    is_unique = models.BooleanField(default=True)
    is_bot = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["link", "created_at"]),
            models.Index(fields=["partner", "created_at"]),
        ]

    def __str__(self):
        return str(self.click_id)
