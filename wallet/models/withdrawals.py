from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value

from config.fields import EncryptedTextField, MoneyField

HALF_CENT = Value(
    Decimal("0.005"), output_field=models.DecimalField(max_digits=4, decimal_places=3)
)


class Withdrawal(models.Model):
    """A shopper taking money out. Requested funds move available → hold at once, so
    they cannot be spent twice; they leave hold when paid, or go back if not."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending review"
        APPROVED = "approved", "Approved"
        PROCESSING = "processing", "Being paid"
        COMPLETED = "completed", "Paid"
        REJECTED = "rejected", "Rejected"
        CANCELLED = "cancelled", "Cancelled"
        FAILED = "failed", "Failed"

    class Source(models.TextChoices):
        CASHBACK = "cashback", "Shopper cashback"
        COMMISSION = "commission", "Partner commission"

    OPEN = (Status.PENDING, Status.APPROVED, Status.PROCESSING)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="withdrawals"
    )
    # Whose money: a shopper's available cashback or a partner's payable commission.
    source = models.CharField(
        max_length=16, choices=Source.choices, default=Source.CASHBACK, db_index=True
    )
    method = models.ForeignKey(
        "wallet.WithdrawalMethod", on_delete=models.PROTECT, related_name="+"
    )
    amount = MoneyField()
    # Fixed at request time, whatever staff later change on the method.
    fee = MoneyField()
    net_amount = MoneyField()
    currency = models.CharField(max_length=3)
    # JSON of where to pay (PayPal email, bank account, UPI id…): encrypted, shown masked.
    payout_details = EncryptedTextField()
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    reason = models.TextField(blank=True, help_text="Why it was rejected or failed.")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    requested_at = models.DateTimeField(auto_now_add=True, db_index=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        permissions = [
            ("approve_withdrawal", "Can approve and reject withdrawals"),
            ("pay_withdrawal", "Can mark payouts paid or failed"),
        ]
        indexes = [models.Index(fields=["user", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0, fee__gte=0, net_amount__gt=0),
                name="wallet_withdrawal_amounts",
            ),
            # net = amount - fee, checked within HALF_CENT rather than with `=`: SQLite
            # keeps decimals as binary floats, where 5.03 - 0.10 ≠ 4.93, so equality
            # refused honest withdrawals (a 500). Every stored amount is a whole number
            # of cents, so a real mismatch is at least 0.01 on either database, while
            # float error on 14-digit amounts stays below 0.001: both databases agree.
            # The service computes net with Decimal; this only guards the row.
            models.CheckConstraint(
                condition=Q(net_amount__gte=F("amount") - F("fee") - HALF_CENT)
                & Q(net_amount__lte=F("amount") - F("fee") + HALF_CENT),
                name="wallet_withdrawal_net_is_amount_less_fee",
            ),
        ]

    def __str__(self):
        return f"Withdrawal #{self.pk}: {self.amount} {self.currency} ({self.status})"

    @property
    def ledger_reference(self) -> str:
        return f"withdrawal:{self.pk}"


class PayoutBatch(models.Model):
    """Withdrawals handed to one payout provider together. Our sender_batch_id goes to
    the provider, which refuses to pay the same id twice: a retried batch never pays twice."""

    class Status(models.TextChoices):
        CREATED = "created", "Created (not yet accepted by the provider)"
        SUBMITTED = "submitted", "Submitted"
        COMPLETED = "completed", "Completed"
        NEEDS_REVIEW = "needs_review", "Needs review"

    provider = models.CharField(max_length=20)
    sender_batch_id = models.CharField(max_length=64, unique=True)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.CREATED, db_index=True
    )
    provider_reference = models.CharField(max_length=100, blank=True)
    # The bank file of a manual batch: it names accounts, so it is encrypted at rest.
    export_csv = EncryptedTextField(blank=True)
    total = MoneyField(default=0)
    currency = models.CharField(max_length=3)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "payout batches"

    def __str__(self):
        return f"{self.sender_batch_id} ({self.provider}, {self.status})"


class Payout(models.Model):
    """One withdrawal's payment by a provider, with the provider's reference."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        PAID = "paid", "Paid"
        FAILED = "failed", "Failed"

    withdrawal = models.OneToOneField(Withdrawal, on_delete=models.PROTECT, related_name="payout")
    batch = models.ForeignKey(PayoutBatch, on_delete=models.PROTECT, related_name="payouts")
    amount = MoneyField()
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    provider_reference = models.CharField(max_length=100, blank=True)
    provider_status = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Payout of withdrawal #{self.withdrawal_id} ({self.status})"
