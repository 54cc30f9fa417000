from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from config.fields import MoneyField, RateField

from .terms import CashbackTerms, CashbackType
from .validators import validate_banner_size, validate_tracking_url


def _percentage_at_most_100(prefix: str, type_field: str, value_field: str, name: str):
    return models.CheckConstraint(
        condition=~Q(**{type_field: CashbackType.PERCENTAGE}) | Q(**{f"{value_field}__lte": 100}),
        name=f"{prefix}_{name}",
        violation_error_message="A percentage must be between 0 and 100.",
    )


class MerchantQuerySet(models.QuerySet):
    def live(self):
        return self.filter(is_active=True, deleted_at__isnull=True, network__status="active")


class Merchant(models.Model):
    """A store. Cashback here is the default for its offers and for store-wide clicks."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    logo = models.ImageField(upload_to="merchants/", blank=True)
    banner = models.ImageField(
        upload_to="merchants/banners/",
        blank=True,
        validators=[validate_banner_size],
        help_text="Optional wide image at the top of the store page (2 MB at most).",
    )
    website = models.URLField(blank=True)
    description = models.TextField(blank=True)
    network = models.ForeignKey(
        "offers.Network", on_delete=models.PROTECT, related_name="merchants"
    )
    tracking_url = models.CharField(
        max_length=2000,
        validators=[validate_tracking_url],
        help_text="Where click-outs go, with macros {click_id}, {user_id}, {offer_id}, {merchant}.",
    )
    cashback_type = models.CharField(
        max_length=16, choices=CashbackType.choices, default=CashbackType.PERCENTAGE
    )
    cashback_value = RateField(
        default=Decimal("0"),
        help_text="Percent of the sale, or an amount, as the type says.",
    )
    cashback_max = MoneyField(null=True, blank=True, help_text="Cap per sale.")
    shopper_share = RateField(
        max_digits=7,
        default=Decimal("50"),
        help_text="Percent of the network's commission paid as cashback when a network "
        "reports the commission but no sale amount.",
    )
    # The store's category rates (active, with their validity), kept here by
    # offers.services.rate_card whenever a rate changes, so that a click-out snapshots them
    # from the row it reads anyway instead of running one more query.
    rate_card = models.JSONField(default=list, blank=True, editable=False)
    allow_over_commission = models.BooleanField(
        default=False,
        help_text="Pay shoppers more than the network pays us (a promotion staff fund).",
    )
    confirmation_days = models.PositiveSmallIntegerField(
        default=60, help_text="Lock period: days before pending cashback can confirm."
    )
    claim_wait_days = models.PositiveSmallIntegerField(
        default=3,
        help_text="Missing-cashback claims may be filed this many days after the order at the "
        "earliest (the network's usual reporting delay).",
    )
    is_featured = models.BooleanField(default=False)
    priority = models.IntegerField(default=0, help_text="Higher shows first.")
    is_active = models.BooleanField(default=True)
    terms = models.TextField(blank=True)
    seo_title = models.CharField(max_length=200, blank=True)
    seo_description = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = MerchantQuerySet.as_manager()

    class Meta:
        ordering = ["-priority", "name"]
        indexes = [models.Index(fields=["is_active", "is_featured", "priority"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(cashback_value__gte=0),
                name="offers_merchant_cashback_gte_0",
                violation_error_message="Cashback cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(cashback_max__isnull=True) | Q(cashback_max__gte=0),
                name="offers_merchant_max_gte_0",
                violation_error_message="The cashback cap cannot be negative.",
            ),
            _percentage_at_most_100("offers_merchant", "cashback_type", "cashback_value", "pct"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("offers:merchant", args=[self.slug])

    @property
    def cashback_label(self) -> str:
        return self.cashback_terms().describe(settings.PLATFORM_CURRENCY)

    def cashback_terms(self) -> CashbackTerms:
        return CashbackTerms(
            self.cashback_type, self.cashback_value, self.cashback_max, self.allow_over_commission
        )


class MerchantCommissionQuerySet(models.QuerySet):
    def current(self, today=None):
        today = today or timezone.localdate()
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=today),
            Q(valid_until__isnull=True) | Q(valid_until__gte=today),
            is_active=True,
        )


class MerchantCommission(models.Model):
    """What a network pays per category, and the share of it passed to the shopper."""

    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="commissions")
    category = models.ForeignKey(
        "offers.Category", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    label = models.CharField(max_length=120, help_text='Shown to shoppers, e.g. "Electronics".')
    # Not a slug: networks name categories their own way ("Home & Garden", "CG.12").
    code = models.CharField(
        max_length=100,
        blank=True,
        help_text="The category code the network reports with a sale (its `category`), e.g. "
        "laptops; matched ignoring case and surrounding spaces. Blank: shown to shoppers, "
        "never matched.",
    )
    commission_type = models.CharField(
        max_length=16, choices=CashbackType.choices, default=CashbackType.PERCENTAGE
    )
    commission_value = RateField()
    shopper_share = RateField(
        max_digits=7,
        default=Decimal("50"),
        help_text="Percent of the commission paid to the shopper as cashback.",
    )
    valid_from = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)
    is_active = models.BooleanField(default=True)

    objects = MerchantCommissionQuerySet.as_manager()

    class Meta:
        ordering = ["merchant", "label"]
        constraints = [
            models.CheckConstraint(
                condition=Q(commission_value__gte=0),
                name="offers_commission_value_gte_0",
                violation_error_message="A commission cannot be negative.",
            ),
            _percentage_at_most_100(
                "offers_commission", "commission_type", "commission_value", "pct"
            ),
            models.CheckConstraint(
                condition=Q(shopper_share__gte=0, shopper_share__lte=100),
                name="offers_commission_share_0_100",
                violation_error_message="The shopper's share must be between 0 and 100.",
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_until__gte=models.F("valid_from")),
                name="offers_commission_valid_range",
                violation_error_message="The rate must end on or after the day it starts.",
            ),
        ]

    def __str__(self):
        return f"{self.merchant}: {self.label}"

    @property
    def shopper_value(self) -> Decimal:
        """The cashback a shopper earns under this rate (percent or amount)."""
        return self.commission_value * self.shopper_share / Decimal(100)

    @property
    def shopper_label(self) -> str:
        terms = CashbackTerms(self.commission_type, self.shopper_value, None, False)
        return terms.describe(settings.PLATFORM_CURRENCY)
