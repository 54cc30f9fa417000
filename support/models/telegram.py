"""The bot's bookkeeping: updates seen (so a replay gets no second answer) and staff
announcements, delivered once per chat through a rate-limited queue."""

from django.conf import settings
from django.db import models


class TelegramUpdate(models.Model):
    """Each update_id Telegram sent us, stored before its work is queued: a repeat
    delivery finds its row and is ignored."""

    update_id = models.BigIntegerField(unique=True)
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"update {self.update_id}"


class Announcement(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"

    text = models.TextField(max_length=4000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("broadcast_announcement", "Can broadcast an announcement on Telegram")]

    def __str__(self):
        return self.text[:60]


class AnnouncementDelivery(models.Model):
    """One chat's copy of an announcement: unique, so a restarted broadcast sends each
    chat one message."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    announcement = models.ForeignKey(
        Announcement, on_delete=models.CASCADE, related_name="deliveries"
    )
    chat_id = models.BigIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "announcement deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["announcement", "chat_id"], name="support_announcement_once_per_chat"
            )
        ]

    def __str__(self):
        return f"{self.announcement_id} → {self.chat_id}: {self.status}"
