from django.conf import settings
from django.db import models

from config.fields import EncryptedTextField


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
