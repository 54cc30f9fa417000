from django.conf import settings
from django.db import models

from config.fields import EncryptedTextField, mask

# Fields encrypted at rest and shown only as their last four characters.
SENSITIVE_KYC_FIELDS = (
    "account_number",
    "ifsc_or_iban",
    "upi_id",
    "tax_id",
    "address_line1",
    "address_line2",
)
# What the shopper fills in, in the order forms show it.
KYC_FIELDS = (
    "account_holder_name",
    "bank_name",
    *SENSITIVE_KYC_FIELDS,
    "city",
    "state",
    "postal_code",
    "country",
)


class UserKyc(models.Model):
    """Payout identity: needed for bank withdrawals and above the KYC threshold."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending review"
        VERIFIED = "verified", "Verified"
        REJECTED = "rejected", "Rejected"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="kyc"
    )
    account_holder_name = models.CharField(max_length=200, blank=True)
    bank_name = models.CharField(max_length=200, blank=True)
    account_number = EncryptedTextField(blank=True)
    ifsc_or_iban = EncryptedTextField("IFSC or IBAN", blank=True)
    upi_id = EncryptedTextField("UPI id", blank=True)
    tax_id = EncryptedTextField("PAN / tax id", blank=True)
    address_line1 = EncryptedTextField(blank=True)
    address_line2 = EncryptedTextField(blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2")
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    notes = models.TextField(blank=True, help_text="Staff notes; the reason when rejected.")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "KYC record"

    def __str__(self):
        return f"KYC of {self.user} ({self.get_status_display()})"

    @property
    def is_verified(self) -> bool:
        return self.status == self.Status.VERIFIED

    def masked(self) -> dict[str, str]:
        return {name: mask(getattr(self, name)) for name in SENSITIVE_KYC_FIELDS}
