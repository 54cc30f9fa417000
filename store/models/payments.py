"""Payments at a gateway, the webhook events that moved them, and refunds."""

from decimal import Decimal

from django.conf import settings
from django.db import models

from config.fields import MoneyField


class Payment(models.Model):
    """The gateway part of one order. created → captured, or failed; a failed payment
    may still be captured by a later attempt of the shopper; a captured one never fails.
    """

    class Status(models.TextChoices):
        CREATED = "created", "Awaiting the shopper"
        CAPTURED = "captured", "Captured"
        FAILED = "failed", "Failed"
        REFUNDED = "refunded", "Refunded"

    order = models.ForeignKey("store.Order", on_delete=models.PROTECT, related_name="payments")
    provider = models.CharField(max_length=20)
    # The provider's order / checkout session id, known at creation.
    provider_order_id = models.CharField(max_length=120, blank=True)
    # The provider's payment id (Razorpay pay_…, Stripe payment_intent), known at capture.
    provider_payment_id = models.CharField(max_length=120, blank=True)
    amount = MoneyField()
    currency = models.CharField(max_length=3)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.CREATED, db_index=True
    )
    checkout_url = models.URLField(max_length=1000, blank=True)
    refunded_amount = MoneyField(default=Decimal("0.00"))
    flagged = models.BooleanField(default=False)
    flag_reason = models.CharField(max_length=300, blank=True)
    captured_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_order_id"],
                condition=~models.Q(provider_order_id=""),
                name="store_payment_provider_order_unique",
            ),
        ]

    def __str__(self):
        return f"{self.provider} payment for {self.order}"


class WebhookEvent(models.Model):
    """One event a gateway sent, stored in the transaction of its effect: a replay finds
    its id taken and changes nothing."""

    provider = models.CharField(max_length=20)
    event_id = models.CharField(max_length=120)
    event_type = models.CharField(max_length=80)
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    outcome = models.CharField(max_length=200)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "event_id"], name="store_webhook_event_unique"
            ),
        ]

    def __str__(self):
        return f"{self.provider} {self.event_type} {self.event_id}"


class Refund(models.Model):
    """Money given back for an order: to the wallet, to the gateway, or both."""

    class Status(models.TextChoices):
        DONE = "done", "Done"
        PENDING_GATEWAY = "pending_gateway", "To send to the gateway"
        # Claimed by a worker and sent: a worker killed here leaves it for staff to check
        # with the provider (never sent twice automatically).
        SENDING = "sending", "Sent to the gateway, no answer yet"
        FAILED = "failed", "Gateway refused (retry or pay by hand)"

    order = models.ForeignKey("store.Order", on_delete=models.PROTECT, related_name="refunds")
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="refunds"
    )
    wallet_amount = MoneyField(default=Decimal("0.00"))
    gateway_amount = MoneyField(default=Decimal("0.00"))
    reason = models.CharField(max_length=300)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DONE)
    provider_refund_id = models.CharField(max_length=120, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Refund #{self.pk} of {self.order}"
