from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from config.fields import MoneyField, RateField

from .terms import CashbackTerms, CashbackType
from .validators import validate_tracking_url


class OfferQuerySet(models.QuerySet):
    def live(self, now=None):
        """Offers a shopper may see and click: active, started, not ended, of a live store."""
        now = now or timezone.now()
        return self.filter(
            Q(starts_at__isnull=True) | Q(starts_at__lte=now),
            Q(ends_at__isnull=True) | Q(ends_at__gt=now),
            status=Offer.Status.ACTIVE,
            deleted_at__isnull=True,
            merchant__is_active=True,
            merchant__deleted_at__isnull=True,
            merchant__network__status="active",
        )


class Offer(models.Model):
    class Type(models.TextChoices):
        CODE = "code", "Coupon code"
        DEAL = "deal", "Deal"
        SALE = "sale", "Sale"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "Active"
        INACTIVE = "inactive", "Inactive"
        EXPIRED = "expired", "Expired"

    merchant = models.ForeignKey("offers.Merchant", on_delete=models.CASCADE, related_name="offers")
    # PROTECT: deleting a category must never silently un-categorise its offers (seed 000:
    # a category with offers cannot be deleted). Inactive and soft-deleted offers block it
    # too: they can be turned back on, and would come back without a category.
    category = models.ForeignKey(
        "offers.Category", null=True, blank=True, on_delete=models.PROTECT, related_name="offers"
    )
    external_id = models.CharField(
        max_length=100, blank=True, help_text="The network's id: imports update by it."
    )
    title = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    offer_type = models.CharField(max_length=8, choices=Type.choices, default=Type.DEAL)
    coupon_code = models.CharField(max_length=100, blank=True)
    # Blank: the merchant's cashback applies.
    cashback_type = models.CharField(max_length=16, choices=CashbackType.choices, blank=True)
    cashback_value = RateField(null=True, blank=True)
    cashback_max = MoneyField(null=True, blank=True)
    tracking_url = models.CharField(
        max_length=2000,
        blank=True,
        validators=[validate_tracking_url],
        help_text="Blank: the merchant's tracking URL.",
    )
    terms = models.TextField(blank=True)
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    is_featured = models.BooleanField(default=False)
    is_exclusive = models.BooleanField(default=False)
    is_verified = models.BooleanField(default=False)
    priority = models.IntegerField(default=0, help_text="Higher shows first.")
    allowed_countries = models.JSONField(
        default=list, blank=True, help_text='ISO codes, e.g. ["US", "GB"]; empty: everywhere.'
    )
    allowed_devices = models.JSONField(
        default=list, blank=True, help_text='Of "desktop", "mobile", "tablet"; empty: all.'
    )
    # Rolled up from clicks, views and cashback events by `rollup_counters`.
    views_count = models.PositiveBigIntegerField(default=0, editable=False)
    clicks_count = models.PositiveBigIntegerField(default=0, editable=False)
    conversions_count = models.PositiveBigIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = OfferQuerySet.as_manager()

    class Meta:
        ordering = ["-priority", "-created_at"]
        indexes = [
            models.Index(fields=["status", "is_featured", "priority"]),
            models.Index(fields=["merchant", "status"]),
            models.Index(fields=["category", "status"]),
            models.Index(fields=["ends_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(cashback_type=CashbackType.PERCENTAGE) | Q(cashback_value__lte=100),
                name="offers_offer_pct_0_100",
                violation_error_message="A percentage cashback must be between 0 and 100.",
            ),
            models.CheckConstraint(
                condition=Q(cashback_value__isnull=True) | Q(cashback_value__gte=0),
                name="offers_offer_cashback_gte_0",
                violation_error_message="Cashback cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(cashback_max__isnull=True) | Q(cashback_max__gte=0),
                name="offers_offer_max_gte_0",
                violation_error_message="The cashback cap cannot be negative.",
            ),
            # A type without a value (or the reverse) would be half an override.
            models.CheckConstraint(
                condition=Q(cashback_type="", cashback_value__isnull=True)
                | (~Q(cashback_type="") & Q(cashback_value__isnull=False)),
                name="offers_offer_cashback_complete",
                violation_error_message=(
                    "Give both a cashback type and a value, or neither (to use the store's)."
                ),
            ),
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True)
                | Q(ends_at__isnull=True)
                | Q(ends_at__gt=F("starts_at")),
                name="offers_offer_ends_after_starts",
                violation_error_message="The offer must end after it starts.",
            ),
            models.UniqueConstraint(
                fields=["merchant", "external_id"],
                condition=~Q(external_id=""),
                name="offers_offer_external_id_unique",
                violation_error_message="This store already has an offer with that external id.",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("offers:offer", args=[self.pk])

    @property
    def cashback_label(self) -> str:
        return self.cashback_terms().describe(settings.PLATFORM_CURRENCY)

    def cashback_terms(self) -> CashbackTerms:
        """The offer's own cashback, else its store's."""
        if not self.cashback_type:
            return self.merchant.cashback_terms()
        return CashbackTerms(
            self.cashback_type,
            self.cashback_value,
            self.cashback_max,
            self.merchant.allow_over_commission,
        )

    @property
    def effective_tracking_url(self) -> str:
        return self.tracking_url or self.merchant.tracking_url
