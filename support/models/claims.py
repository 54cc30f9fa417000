"""Missing-cashback claims: a ticket with the order's details, filed against one of the
shopper's clicks, that waits on ice until the network should have reported the sale."""

from django.conf import settings
from django.db import models

from config.fields import MoneyField

from ..storage import private_storage


class ClaimBatch(models.Model):
    """The claims sent to one network together, as the CSV staff downloaded."""

    network = models.ForeignKey("offers.Network", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    claim_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "claim batches"

    def __str__(self):
        return f"Batch {self.pk} to {self.network}"


class MissingCashbackClaim(models.Model):
    class Status(models.TextChoices):
        ON_ICE = "on_ice", "On ice"  # the network may still report it
        READY = "ready", "Ready to send"  # the network should have reported it by now
        SUBMITTED = "submitted", "Sent to the store"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        TRACKED = "tracked", "Tracked"  # the sale arrived by itself: nothing to do

    OPEN_STATUSES = (Status.ON_ICE, Status.READY, Status.SUBMITTED)

    ticket = models.OneToOneField("support.Ticket", on_delete=models.PROTECT, related_name="claim")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cashback_claims"
    )
    merchant = models.ForeignKey("offers.Merchant", on_delete=models.PROTECT, related_name="+")
    network = models.ForeignKey("offers.Network", on_delete=models.PROTECT, related_name="+")
    # The click claimed: its UUID is what a postback names (and outlives the click row).
    click = models.ForeignKey(
        "tracking.Click", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    click_uuid = models.UUIDField(db_index=True)
    clicked_at = models.DateTimeField()
    order_id = models.CharField(max_length=100)
    order_date = models.DateField()
    order_amount = MoneyField()
    currency = models.CharField(max_length=3)
    proof = models.FileField(storage=private_storage, upload_to="claims/%Y/%m/", blank=True)
    proof_content_type = models.CharField(max_length=50, blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.ON_ICE, db_index=True
    )
    ice_until = models.DateField(help_text="The network should have reported the sale by then.")
    batch = models.ForeignKey(
        ClaimBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="claims"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    cashback_amount = MoneyField(null=True, blank=True)
    # The pending cashback event an approval created (wallet's id; key "claim:<id>").
    cashback_event_id = models.BigIntegerField(null=True, blank=True)
    reason = models.CharField(max_length=500, blank=True, help_text="Shown to the shopper.")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    tracked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [
            ("decide_missingcashbackclaim", "Can approve or reject missing-cashback claims"),
            ("goodwill_missingcashbackclaim", "Can pay a goodwill credit on a claim"),
        ]
        constraints = [
            # Order ids are stored stripped and upper-cased, so "ab-1 " and "AB-1" collide.
            models.UniqueConstraint(
                fields=["user", "merchant", "order_id"], name="support_claim_once_per_order"
            )
        ]
        indexes = [models.Index(fields=["status", "ice_until"])]

    def __str__(self):
        return f"Claim {self.pk}: order {self.order_id}"
