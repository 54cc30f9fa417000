from django.db import models


class PostbackLog(models.Model):
    """Every server-to-server postback we receive, valid or not, with what we did with it.

    Kept raw so a dispute with a network can be settled from our own records, and so a
    postback can be replayed (the postback services are idempotent).
    """

    class Kind(models.TextChoices):
        NETWORK = "network", "Network (cashback)"
        CONVERSION = "conversion", "Conversion (affiliate)"

    class Outcome(models.TextChoices):
        RECEIVED = "received", "Received"
        SUCCESS = "success", "Success"
        DUPLICATE = "duplicate", "Duplicate"
        FAILURE = "failure", "Failure"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    source = models.CharField(
        max_length=100, blank=True, help_text="The network slug or campaign the request named."
    )
    network = models.ForeignKey(
        "offers.Network", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Only postbacks that passed authentication may ever be replayed.
    authenticated = models.BooleanField(default=False)
    txn_id = models.CharField(max_length=255, blank=True, db_index=True)
    event = models.ForeignKey(
        "wallet.CashbackEvent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    conversion = models.ForeignKey(
        "affiliates.Conversion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    method = models.CharField(max_length=8)
    query = models.JSONField(default=dict, blank=True)
    body = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    remote_ip = models.GenericIPAddressField(null=True, blank=True)
    outcome = models.CharField(
        max_length=16, choices=Outcome.choices, default=Outcome.RECEIVED, db_index=True
    )
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    code = models.CharField(max_length=60, blank=True, help_text="Our error code, if refused.")
    message = models.TextField(blank=True)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["kind", "source", "received_at"])]

    def __str__(self):
        return f"{self.kind} postback #{self.pk} ({self.outcome})"
