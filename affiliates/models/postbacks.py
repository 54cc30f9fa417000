import secrets

from django.conf import settings
from django.db import models

from config.fields import EncryptedTextField, masked_url


def generate_signing_secret() -> str:
    return secrets.token_urlsafe(32)


class LivePostbackManager(models.Manager):
    """Postbacks the partner has not deleted. The default manager, so the portal, the API
    and delivery cannot forget the filter; `all_objects` (the admin) sees deleted ones too.
    Following a delivery's `postback` uses the plain base manager: the delivery log of a
    deleted postback still names it."""

    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


class PartnerPostback(models.Model):
    """Where a partner wants to hear about conversions: a URL with macros, for all their
    conversions or one campaign's or one goal's. Signed so the partner can check it's us.

    Deleting one only marks it (seed 000 `affiliate_postbacks.is_deleted`): its delivery
    log stays for staff to settle a partner's "you never told us" from our own records."""

    class Method(models.TextChoices):
        GET = "GET", "GET"
        POST = "POST", "POST (JSON body)"

    MAX_PER_PARTNER = 5

    partner = models.ForeignKey(
        "affiliates.Partner", on_delete=models.CASCADE, related_name="postbacks"
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    goal = models.ForeignKey(
        "campaigns.Goal", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    url = models.CharField(
        max_length=1000,
        help_text="Macros: {click_id} {sub1} {sub2} {sub3} {txn_id} {payout} {goal} {status} "
        "{campaign_id}",
    )
    method = models.CharField(max_length=4, choices=Method.choices, default=Method.GET)
    signing_secret = EncryptedTextField(default=generate_signing_secret)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = LivePostbackManager()
    all_objects = models.Manager()  # noqa: DJ012 (a manager, which the rule takes for a field)

    class Meta:
        ordering = ["created_at"]
        base_manager_name = "all_objects"

    def __str__(self):
        return f"{self.method} {masked_url(self.url)}"


# What a delivery attempt tells about itself after the fact (admin and partner API alike).
DELIVERY_OUTCOME_FIELDS = (
    "status",
    "attempts",
    "next_attempt_at",
    "last_status_code",
    "last_response",
    "last_error",
    "created_at",
    "delivered_at",
)


class PostbackDelivery(models.Model):
    """One notification to one partner URL, retried on a schedule until it lands or fails."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"

    postback = models.ForeignKey(
        PartnerPostback, on_delete=models.CASCADE, related_name="deliveries"
    )
    conversion = models.ForeignKey(
        "affiliates.Conversion", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    event = models.CharField(max_length=20)  # created, status_changed, test
    url = models.CharField(max_length=2000)
    method = models.CharField(max_length=4)
    body = models.TextField(blank=True)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_response = models.CharField(max_length=500, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    # Indexed: prune_raw_data finds where the retention window starts by it.
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "postback deliveries"
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.event} → {masked_url(self.url)} ({self.status}, {self.attempts} attempts)"
