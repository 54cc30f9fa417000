"""A shopper's Telegram chat, linked through a one-time token, and the requests they
send through the bot for staff to verify an account on a partner platform (seed 004's
telegramUsers and verificationRequests). The bot itself lives in support.telegram."""

from django.conf import settings
from django.db import models


class TelegramLink(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="telegram_link"
    )
    chat_id = models.BigIntegerField(unique=True)
    username = models.CharField(max_length=64, blank=True)
    # Staff announcements (new challenges, …) reach only those who said yes.
    announcements = models.BooleanField(default=True)
    linked_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.user_id} ↔ chat {self.chat_id}"


class TelegramLinkToken(models.Model):
    """One-time, short-lived: only its SHA-256 digest is stored, the token travels once in
    the t.me link."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"link token for {self.user_id}"


class VerificationRequest(models.Model):
    """ "This partner-platform account is mine": staff check and approve or reject."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="verification_requests"
    )
    external_uid = models.CharField(max_length=100)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    source = models.CharField(max_length=20, default="telegram")
    reason = models.CharField(max_length=500, blank=True, help_text="Told to the shopper.")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("decide_verificationrequest", "Can approve or reject verifications")]
        constraints = [
            # One open request per shopper and uid: a repeated /verify is not a new one.
            models.UniqueConstraint(
                fields=["user", "external_uid"],
                condition=models.Q(status="pending"),
                name="accounts_verification_one_pending",
            )
        ]

    def __str__(self):
        return f"{self.user_id} claims {self.external_uid}: {self.status}"
