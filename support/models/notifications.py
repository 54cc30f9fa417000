"""Notifications: one row per thing told to one user, what they chose to hear about and
where, and each delivery by email or Telegram (so a failed one is visible to staff)."""

from django.conf import settings
from django.db import models


class Category(models.TextChoices):
    CASHBACK = "cashback", "Cashback"
    WITHDRAWALS = "withdrawals", "Withdrawals"
    REFERRALS = "referrals", "Referrals"
    REWARDS = "rewards", "Rewards"
    SUPPORT = "support", "Support"
    PARTNER = "partner", "Partner programme"
    PROMOTIONS = "promotions", "Promotions"
    SECURITY = "security", "Security"


class Channel(models.TextChoices):
    IN_APP = "in_app", "In the app"
    EMAIL = "email", "Email"
    TELEGRAM = "telegram", "Telegram"


class Notification(models.Model):
    """One notice to one user (cashback confirmed, payout sent, a support reply, …).

    The row is written whatever the user's preferences: its `key` is what makes notify()
    idempotent. `in_app` says whether it shows in their list (and counts as unread)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    category = models.CharField(max_length=20, choices=Category.choices)
    # The caller's idempotency key, e.g. "cashback-confirmed:<event id>".
    key = models.CharField(max_length=200)
    title = models.CharField(max_length=120)
    body = models.CharField(max_length=500, blank=True)
    url = models.CharField(max_length=300, blank=True, help_text="Where the notification leads.")
    in_app = models.BooleanField(default=True)
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="support_notification_user_key")
        ]
        indexes = [
            # The list: a user's shown notices, newest first, whatever their count.
            models.Index(fields=["user", "in_app", "-id"], name="support_notification_list"),
        ]

    def __str__(self):
        return self.title


class NotificationInbox(models.Model):
    """The unread count in the header, kept in the same transaction as the rows it
    counts (never a COUNT(*) over a table that grows without bound)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="notification_inbox",
    )
    unread = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(unread__gte=0), name="support_inbox_unread_not_negative"
            )
        ]

    def __str__(self):
        return f"{self.user_id}: {self.unread} unread"


class NotificationPreference(models.Model):
    """A user's choice for one category on one channel; no row means the default."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    category = models.CharField(max_length=20, choices=Category.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    enabled = models.BooleanField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "category", "channel"], name="support_preference_unique"
            )
        ]

    def __str__(self):
        return f"{self.user_id} {self.category}/{self.channel}: {self.enabled}"


class NotificationDelivery(models.Model):
    """One send of a notification by email or Telegram, retried by its task; failures
    stay listed for staff."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        # Claimed by a worker that is sending it now; one left here was cut off mid-send.
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped"  # e.g. the Telegram chat was unlinked meanwhile

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    # An email's text, rendered when notify() ran (its template may need objects a task
    # cannot have); Telegram messages are made from the notification itself.
    subject = models.CharField(max_length=200, blank=True)
    text = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "notification deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"], name="support_delivery_once_per_channel"
            )
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"{self.channel} #{self.notification_id}: {self.status}"


class KnownDevice(models.Model):
    """A browser/device a user has logged in from (its label, e.g. "Firefox on Linux",
    hashed): a login from one not listed is a security notice. Kept apart from the
    sessions, which are deleted on logout."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    fingerprint = models.CharField(max_length=64)
    first_seen_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "fingerprint"], name="support_known_device")
        ]

    def __str__(self):
        return f"{self.user_id}: {self.fingerprint[:12]}"
