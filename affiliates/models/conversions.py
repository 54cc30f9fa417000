from django.db import models
from django.db.models import Q

from config.fields import MoneyField


class Conversion(models.Model):
    """An advertiser's report that a partner's click converted, and the commission due.

    pending → approved → paid, or declined; on_hold marks one staff must review before it
    can become payable (fraud signals, or over a cap with the hold behaviour).
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"
        PAID = "paid", "Paid"

    partner = models.ForeignKey(
        "affiliates.Partner", on_delete=models.PROTECT, related_name="conversions"
    )
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.PROTECT, related_name="+")
    goal = models.ForeignKey("campaigns.Goal", on_delete=models.PROTECT, related_name="+")
    link = models.ForeignKey(
        "affiliates.Link", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    click_uuid = models.UUIDField(db_index=True)
    clicked_at = models.DateTimeField()
    txn_id = models.CharField(max_length=255)
    amount = MoneyField(help_text="The sale or action value reported.")
    commission = MoneyField()
    currency = models.CharField(max_length=3)
    # When the customer converted, as the advertiser says (else when we heard of it).
    converted_at = models.DateTimeField()
    # Reported in another currency: what the advertiser sent, and the rate used.
    original_currency = models.CharField(max_length=3, blank=True)
    original_amount = MoneyField(null=True, blank=True)
    fx_rate = models.DecimalField(max_digits=20, decimal_places=10, null=True, blank=True)
    sub1 = models.CharField(max_length=255, blank=True)
    sub2 = models.CharField(max_length=255, blank=True)
    sub3 = models.CharField(max_length=255, blank=True)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    on_hold = models.BooleanField(default=False, db_index=True)
    hold_reasons = models.JSONField(default=list, blank=True)
    reason = models.TextField(blank=True, help_text="Why it was declined.")
    approved_at = models.DateTimeField(null=True, blank=True)
    payable_at = models.DateTimeField(
        null=True, blank=True, help_text="Approved + the campaign's holding period."
    )
    credited_at = models.DateTimeField(null=True, blank=True, help_text="Moved to payable.")
    payout = models.ForeignKey(
        "wallet.Withdrawal", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    paid_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # A partner's dashboard and reports read their month from the index alone.
            models.Index(
                fields=["partner", "converted_at"],
                include=["status", "commission", "amount", "campaign"],
                name="affiliates_conv_partner_day",
            ),
            models.Index(fields=["campaign", "created_at"]),
            models.Index(
                fields=["payable_at"],
                condition=Q(status="approved", on_hold=False, credited_at__isnull=True),
                name="affiliates_conv_due_payable",
            ),
        ]
        constraints = [
            # Idempotency of conversion postbacks: one conversion per campaign transaction.
            models.UniqueConstraint(
                fields=["campaign", "txn_id"], name="affiliates_conv_txn_unique"
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0, commission__gte=0), name="affiliates_conv_amounts_gte_0"
            ),
        ]

    def __str__(self):
        return f"{self.txn_id}: {self.commission} {self.currency} ({self.status})"

    @property
    def ledger_reference(self) -> str:
        return f"conversion:{self.pk}"
