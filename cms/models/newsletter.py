"""The newsletter: lists, double opt-in subscriptions with their consent records, the
issues staff send, and one delivery row per recipient of an issue (its idempotency key)."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower


class NewsletterList(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.CharField(max_length=300, blank=True)
    # Offered on the site's forms and the API; a private list is for staff to fill.
    is_public = models.BooleanField(default=True)
    is_active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class Subscription(models.Model):
    """One address on one list. Pending until the address's owner POSTs the confirmation
    from the link mailed to it (a GET never confirms: mail scanners open links)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for confirmation"
        CONFIRMED = "confirmed", "Confirmed"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"

    newsletter = models.ForeignKey(
        NewsletterList, on_delete=models.PROTECT, related_name="subscriptions"
    )
    # Stored lower-cased (newsletter services normalise it), unique per list.
    email = models.EmailField(max_length=254)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="newsletter_subscriptions",
    )
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    # Moves on every (re)subscription request: a confirmation token names it, so a link
    # from before an unsubscribe cannot confirm again.
    token_nonce = models.CharField(max_length=32)
    created_at = models.DateTimeField(auto_now_add=True)
    requested_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "newsletter", Lower("email"), name="cms_subscription_once_per_list"
            )
        ]
        indexes = [models.Index(fields=["newsletter", "status", "id"])]

    def __str__(self):
        return f"{self.email} on {self.newsletter}"


class ConsentRecord(models.Model):
    """What the address's owner agreed to, when, from where: kept for every subscribe,
    confirm and unsubscribe (GDPR art. 7(1): the controller must be able to show it)."""

    class Action(models.TextChoices):
        SUBSCRIBE = "subscribe", "Asked to subscribe"
        CONFIRM = "confirm", "Confirmed"
        UNSUBSCRIBE = "unsubscribe", "Unsubscribed"

    class Source(models.TextChoices):
        FOOTER = "footer", "Footer form"
        HOME = "home", "Home page form"
        API = "api", "API"
        PREFERENCES = "preferences", "Notification settings"
        EMAIL_LINK = "email_link", "Link in an email"
        ONE_CLICK = "one_click", "Mail client one-click (RFC 8058)"
        STAFF = "staff", "Staff"
        ACCOUNT_CLOSED = "account_closed", "Account closed"

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="consents"
    )
    action = models.CharField(max_length=16, choices=Action.choices)
    source = models.CharField(max_length=16, choices=Source.choices)
    consent_text_version = models.CharField(max_length=20, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.action} ({self.source})"


class Suppression(models.Model):
    """An address nothing promotional is sent to: it bounced, complained, or asked."""

    class Reason(models.TextChoices):
        BOUNCED = "bounced", "Hard bounce"
        COMPLAINED = "complained", "Spam complaint"
        REQUESTED = "requested", "Asked to receive nothing"

    email = models.EmailField(max_length=254)
    reason = models.CharField(max_length=16, choices=Reason.choices)
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="cms_suppression_email_once")]

    def __str__(self):
        return f"{self.email} ({self.reason})"


class NewsletterIssue(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        # The recipients are being written and mailed; a rerun carries on where it stopped.
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"

    newsletter = models.ForeignKey(NewsletterList, on_delete=models.PROTECT, related_name="issues")
    subject = models.CharField(max_length=200)
    body = models.TextField(help_text="Markdown.")
    include_top_offers = models.BooleanField(
        default=True, help_text="Append the week's top offers when the issue is sent."
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    # The text every recipient gets, fixed when sending starts (top offers included), so
    # a send resumed tomorrow mails the same issue.
    rendered_text = models.TextField(blank=True)
    rendered_html = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    test_sent_at = models.DateTimeField(null=True, blank=True)
    send_started_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        # Mailing a whole list is more than editing a draft: its own permission.
        permissions = [("send_newsletterissue", "Can send a newsletter issue to its list")]

    def __str__(self):
        return self.subject


class NewsletterDelivery(models.Model):
    """One recipient of one issue: the row is the idempotency key (unique per issue and
    subscription), claimed queued → sending before the email leaves, so a restarted send
    mails nobody twice."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        SKIPPED = "skipped", "Skipped"  # unsubscribed or suppressed before its turn
        FAILED = "failed", "Failed"

    issue = models.ForeignKey(NewsletterIssue, on_delete=models.CASCADE, related_name="deliveries")
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="+")
    email = models.EmailField(max_length=254)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "newsletter deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "subscription"], name="cms_newsletter_delivery_once"
            )
        ]
        indexes = [models.Index(fields=["issue", "status", "id"])]

    def __str__(self):
        return f"{self.email}: {self.status}"
