"""Orders: what a shopper bought, how it was paid, and where it stands.

pending → paid → fulfilled; pending → failed (payment failed or expired, nothing to
fulfil) / cancelled (by the shopper); paid → failed (fulfilment impossible: refunded) /
cancelled; fulfilled → refunded (by Finance, whole). Moves go through
accounts.services.transition, which writes the history."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from config.fields import MoneyField, RateField


class Order(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting payment"
        PAID = "paid", "Paid"
        FULFILLED = "fulfilled", "Delivered"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"
        REFUNDED = "refunded", "Refunded"

    class Payment(models.TextChoices):
        WALLET = "wallet", "Wallet balance"
        GATEWAY = "gateway", "Card or UPI"
        MIXED = "mixed", "Wallet, then card or UPI"

    class Cashback(models.TextChoices):
        NONE = "none", "None"
        PENDING = "pending", "Pending"
        CONFIRMED = "confirmed", "Confirmed"
        REVERSED = "reversed", "Reversed"

    # "SB-O000123", assigned from the id once it exists.
    number = models.CharField(max_length=20, unique=True, null=True, blank=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="store_orders"
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    payment_method = models.CharField(max_length=10, choices=Payment.choices)
    gateway = models.CharField(max_length=20, blank=True)
    currency = models.CharField(max_length=3)
    subtotal = MoneyField()
    total = MoneyField()
    wallet_used = MoneyField(default=Decimal("0.00"))
    gateway_amount = MoneyField(default=Decimal("0.00"))
    refunded_amount = MoneyField(default=Decimal("0.00"))
    # The client's key: the same key from the same shopper is the same order.
    idempotency_key = models.CharField(max_length=80)
    # What the key was used for (items and payment), so a reused key with another basket
    # is refused instead of answering with the wrong order.
    request_digest = models.CharField(max_length=64)
    # Unpaid gateway orders hold their codes until then; the release job frees them.
    reserved_until = models.DateTimeField(null=True, blank=True)
    cashback_amount = MoneyField(default=Decimal("0.00"))
    cashback_status = models.CharField(
        max_length=10, choices=Cashback.choices, default=Cashback.NONE
    )
    cashback_confirm_after = models.DateTimeField(null=True, blank=True)
    # Set when something does not add up (a payment of the wrong amount or currency, money
    # captured for a closed order); a flagged order is never fulfilled automatically.
    flagged = models.BooleanField(default=False)
    flag_reason = models.CharField(max_length=300, blank=True)
    # Fulfilment is claimed by a lease so a killed job can be run again safely.
    fulfilment_attempts = models.PositiveIntegerField(default=0)
    paid_at = models.DateTimeField(null=True, blank=True)
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        permissions = [("refund_order", "Can refund a delivered gift-card order")]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "idempotency_key"], name="store_order_idempotency_key"
            ),
            models.CheckConstraint(
                condition=Q(total=models.F("wallet_used") + models.F("gateway_amount")),
                name="store_order_total_is_paid_parts",
            ),
            models.CheckConstraint(
                condition=Q(wallet_used__gte=0, gateway_amount__gte=0, refunded_amount__gte=0),
                name="store_order_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(refunded_amount__lte=models.F("total")),
                name="store_order_refund_within_total",
            ),
        ]

    def __str__(self):
        return self.number or f"Order #{self.pk}"

    def get_absolute_url(self):
        return reverse("store:order", args=[self.number])

    @property
    def ledger_reference(self) -> str:
        return f"store-order:{self.pk}"


class OrderItem(models.Model):
    """One line of an order, with a snapshot of what was sold at what price."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        REFUNDED = "refunded", "Refunded"

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="items")
    product = models.ForeignKey("store.Product", on_delete=models.PROTECT, related_name="+")
    variant = models.ForeignKey("store.Variant", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=160)
    sku = models.CharField(max_length=40)
    kind = models.CharField(max_length=10)
    denomination = MoneyField()
    unit_price = MoneyField()
    quantity = models.PositiveSmallIntegerField()
    line_total = MoneyField()
    cashback_percent = RateField(default=Decimal("0.0000"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    # SaveBucks gift cards: who it is for (else the buyer) and their message.
    recipient_email = models.EmailField(blank=True)
    recipient_message = models.CharField(max_length=300, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=1, quantity__lte=10), name="store_item_quantity_range"
            ),
        ]

    def __str__(self):
        return f"{self.quantity} x {self.name}"
