"""The code inventory: voucher codes we hold (imported by staff, or bought from the
supplier at fulfilment), encrypted at rest with only the last four characters in clear."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from config.fields import EncryptedTextField


class Code(models.Model):
    class Status(models.TextChoices):
        AVAILABLE = "available", "Available"
        RESERVED = "reserved", "Reserved for an order"
        SOLD = "sold", "Sold"
        VOID = "void", "Void"

    variant = models.ForeignKey("store.Variant", on_delete=models.PROTECT, related_name="codes")
    # Never shown in the admin, the API (except the owner's audited reveal), emails or logs.
    code = EncryptedTextField()
    pin = EncryptedTextField(blank=True)
    last4 = models.CharField(max_length=4)
    # HMAC of the normalised code: finds duplicates without decrypting every row.
    digest = models.CharField(max_length=64, unique=True)
    expires_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.AVAILABLE)
    reserved_until = models.DateTimeField(null=True, blank=True)
    order_item = models.ForeignKey(
        "store.OrderItem", null=True, blank=True, on_delete=models.PROTECT, related_name="codes"
    )
    code_import = models.ForeignKey(
        "store.CodeImport", null=True, blank=True, on_delete=models.PROTECT, related_name="codes"
    )
    supplier_order = models.ForeignKey(
        "store.SupplierOrder",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="codes",
    )
    sold_at = models.DateTimeField(null=True, blank=True)
    first_revealed_at = models.DateTimeField(null=True, blank=True)
    reveal_count = models.PositiveIntegerField(default=0)
    voided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        indexes = [
            # The allocation query: the oldest available codes of one variant.
            models.Index(
                fields=["variant", "id"],
                condition=Q(status="available"),
                name="store_code_available",
            ),
            models.Index(
                fields=["reserved_until"],
                condition=Q(status="reserved"),
                name="store_code_reserved",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="available", order_item__isnull=True)
                | (~Q(status="available") & Q(order_item__isnull=False))
                | Q(status="void"),
                name="store_code_owned_unless_available",
            ),
        ]

    def __str__(self):
        return f"Code ••••{self.last4}"


class CodeImport(models.Model):
    """One CSV upload by staff: who brought which codes in, for the audit trail."""

    variant = models.ForeignKey("store.Variant", on_delete=models.PROTECT, related_name="imports")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    filename = models.CharField(max_length=200, blank=True)
    rows = models.PositiveIntegerField(default=0)
    imported = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Import #{self.pk} ({self.imported} codes)"


class SupplierOrder(models.Model):
    """A purchase from the supplier for one order item. `reference` (our order item) is
    the supplier's idempotency key: placing it again returns the same order, never a
    second purchase."""

    class Status(models.TextChoices):
        PLACED = "placed", "Placed"
        FULFILLED = "fulfilled", "Codes received"
        FAILED = "failed", "Failed"

    order_item = models.OneToOneField(
        "store.OrderItem", on_delete=models.PROTECT, related_name="supplier_order"
    )
    reference = models.CharField(max_length=40, unique=True)
    supplier_order_id = models.CharField(max_length=80, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLACED)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Supplier order {self.reference}"
