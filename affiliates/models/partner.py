from django.conf import settings
from django.db import models

from config.fields import EncryptedTextField, RateField


class Partner(models.Model):
    """A user promoting campaigns for commission. Staff approve before any link works."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending approval"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        SUSPENDED = "suspended", "Suspended"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="partner"
    )
    # The people who work on this account besides its holder (who is always its owner):
    # created with the first invitation. Roles: affiliates.permissions.
    team = models.OneToOneField(
        "accounts.Team",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="partner",
    )
    name = models.CharField(max_length=200)
    company = models.CharField(max_length=200, blank=True)
    website = models.URLField(blank=True)
    traffic_sources = models.TextField(blank=True, help_text="How the partner sends traffic.")
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    status_reason = models.TextField(blank=True)
    payout_method = models.CharField(max_length=20, blank=True)
    payout_details = EncryptedTextField(blank=True)
    tax_id = EncryptedTextField(blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.company or self.name

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED


class PartnerCampaign(models.Model):
    """A partner's access to a campaign that is not public: asked for, then decided."""

    class Status(models.TextChoices):
        PENDING = "pending", "Requested"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="campaign_access")
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    note = models.TextField(blank=True, help_text="The partner's pitch, or staff's reason.")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "campaign"], name="affiliates_access_unique")
        ]

    def __str__(self):
        return f"{self.partner} → {self.campaign} ({self.status})"


class PartnerGoalCommission(models.Model):
    """A partner's own rate for a goal, overriding the goal's."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="goal_commissions")
    goal = models.ForeignKey("campaigns.Goal", on_delete=models.CASCADE, related_name="+")
    commission_type = models.CharField(
        max_length=16, choices=[("fixed", "Fixed amount"), ("percentage", "Percentage")]
    )
    commission_value = RateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partner", "goal"], name="affiliates_goal_rate_unique"),
            models.CheckConstraint(
                condition=models.Q(commission_value__gte=0)
                & (~models.Q(commission_type="percentage") | models.Q(commission_value__lte=100)),
                name="affiliates_goal_rate_valid",
                violation_error_message="A commission is at least 0 (a percentage at most 100).",
            ),
        ]

    def __str__(self):
        return f"{self.partner}: {self.goal} at {self.commission_value} ({self.commission_type})"
