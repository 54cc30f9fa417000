from django.conf import settings
from django.db import models
from django.db.models import Q

from config.fields import MoneyField


class AdjustmentRequest(models.Model):
    """A manual credit or debit of a shopper's balance, asked for by one staff member.

    Small ones post at once; above ADJUSTMENT_SECOND_APPROVAL_ABOVE a second staff member
    (neither the requester nor the shopper) must approve before any money moves.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a second approver"
        APPROVED = "approved", "Approved (posted)"
        REJECTED = "rejected", "Rejected"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="adjustment_requests"
    )
    # Signed: a credit is positive, a debit negative.
    amount = MoneyField()
    reason = models.CharField(max_length=255)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=500, blank=True)
    # One per form shown: the same form sent twice is one request.
    idempotency_key = models.CharField(max_length=64, unique=True)
    transaction = models.OneToOneField(
        "wallet.Transaction", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="wallet_adjustment_nonzero"),
        ]

    def __str__(self):
        return f"Adjustment #{self.pk}: {self.amount:+} for user {self.user_id} ({self.status})"
