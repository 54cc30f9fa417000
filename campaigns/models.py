import secrets
from decimal import Decimal
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from config.fields import MoneyField, RateField

# Goal tracking codes: 10 characters, easy to read out (no 0/O, 1/I/L).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def generate_tracking_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))


def parse_domains(text: str) -> list[str]:
    return [
        d.strip().lower().lstrip(".")
        for line in text.splitlines()
        for d in line.split(",")
        if d.strip()
    ]


def host_allowed(url: str, domains: list[str]) -> bool:
    """Is the URL's host one of `domains` or a subdomain of one?"""
    host = (urlsplit(url).hostname or "").lower()
    return bool(host) and any(host == d or host.endswith("." + d) for d in domains)


class Campaign(models.Model):
    """An advertiser's programme that partners promote for commission."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        ENDED = "ended", "Ended"

    class Visibility(models.TextChoices):
        PUBLIC = "public", "Public: any approved partner"
        APPROVAL_REQUIRED = "approval_required", "Partners request access"
        PRIVATE = "private", "Private: invited partners only"

    class Type(models.TextChoices):
        CPS = "cps", "Cost per sale"
        CPA = "cpa", "Cost per action"
        CPL = "cpl", "Cost per lead"

    class OverCap(models.TextChoices):
        REJECT = "reject", "Refuse conversions over the cap"
        HOLD = "hold", "Record them on hold for review"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    logo = models.ImageField(upload_to="campaigns/", blank=True)
    campaign_type = models.CharField(max_length=8, choices=Type.choices, default=Type.CPS)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PAUSED, db_index=True
    )
    visibility = models.CharField(
        max_length=20, choices=Visibility.choices, default=Visibility.APPROVAL_REQUIRED
    )
    terms = models.TextField(blank=True)
    terms_url = models.URLField(blank=True)
    default_destination_url = models.URLField(max_length=1000, blank=True)
    fallback_url = models.URLField(
        max_length=1000, blank=True, help_text="Where visitors go when the campaign is not running."
    )
    allowed_domains = models.TextField(
        blank=True, help_text="Link destinations must be on these domains (one per line)."
    )
    minimum_payout = MoneyField(default=Decimal("0.00"))
    # Only a digest: the secret is shown once, when generated or rotated.
    postback_token_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    postback_token_hint = models.CharField(max_length=8, blank=True, editable=False)
    daily_conversion_cap = models.PositiveIntegerField(default=0, help_text="0: no cap.")
    monthly_conversion_cap = models.PositiveIntegerField(default=0, help_text="0: no cap.")
    daily_payout_cap = MoneyField(default=Decimal("0.00"), help_text="0: no cap.")
    monthly_payout_cap = MoneyField(default=Decimal("0.00"), help_text="0: no cap.")
    over_cap = models.CharField(max_length=8, choices=OverCap.choices, default=OverCap.REJECT)
    attribution_window_days = models.PositiveSmallIntegerField(
        default=30, help_text="A conversion counts only this many days after its click (1 to 90)."
    )
    holding_days = models.PositiveSmallIntegerField(
        default=30, help_text="Approved commission becomes payable after this many days."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        # Whoever holds a campaign's conversion token can report approved sales for any
        # partner (their own included): like network credentials, Administrators only.
        permissions = [
            ("manage_campaign_secrets", "Can issue and rotate conversion postback tokens")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(attribution_window_days__gte=1, attribution_window_days__lte=90),
                name="campaigns_attribution_1_90",
                violation_error_message="The attribution window is 1 to 90 days.",
            ),
            models.CheckConstraint(
                condition=Q(
                    minimum_payout__gte=0, daily_payout_cap__gte=0, monthly_payout_cap__gte=0
                ),
                name="campaigns_money_gte_0",
                violation_error_message="Amounts cannot be negative.",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def domains(self) -> list[str]:
        return parse_domains(self.allowed_domains)

    @property
    def has_caps(self) -> bool:
        return bool(
            self.daily_conversion_cap
            or self.monthly_conversion_cap
            or self.daily_payout_cap
            or self.monthly_payout_cap
        )

    def clean(self):
        for field in ("default_destination_url",):
            url = getattr(self, field)
            if url and self.domains and not host_allowed(url, self.domains):
                raise ValidationError({field: "Must be on one of the allowed domains."})


class Goal(models.Model):
    """Something a conversion can be for (a sale, a sign-up), with its commission."""

    class CommissionType(models.TextChoices):
        FIXED = "fixed", "Fixed amount"
        PERCENTAGE = "percentage", "Percentage of the amount"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="goals")
    name = models.CharField(max_length=200)
    description = models.CharField(max_length=255, blank=True)
    commission_type = models.CharField(
        max_length=16, choices=CommissionType.choices, default=CommissionType.FIXED
    )
    commission_value = RateField()
    tracking_code = models.CharField(max_length=10, unique=True, default=generate_tracking_code)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE)
    is_default = models.BooleanField(
        default=False, help_text="Used when a conversion postback names no goal."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["campaign", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign"],
                condition=Q(is_default=True),
                name="campaigns_one_default_goal",
                violation_error_message="A campaign has one default goal.",
            ),
            models.CheckConstraint(
                condition=Q(commission_value__gte=0)
                & (~Q(commission_type="percentage") | Q(commission_value__lte=100)),
                name="campaigns_goal_commission_valid",
                violation_error_message="A commission is at least 0 (a percentage at most 100).",
            ),
        ]

    def __str__(self):
        return f"{self.campaign}: {self.name} ({self.tracking_code})"
