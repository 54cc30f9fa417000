from django.conf import settings
from django.db import models
from django.db.models import Q

from config.fields import MoneyField


class CashbackEvent(models.Model):
    """One sale a network reported for a shopper's click, and where its cashback stands.

    status is our money lifecycle; network_status is what the network last said.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"  # reported, not yet payable
        CONFIRMED = "confirmed", "Confirmed"  # moved to the shopper's available balance
        REJECTED = "rejected", "Rejected"  # withdrawn while pending
        REVERSED = "reversed", "Reversed"  # taken back after approval or confirmation

    class NetworkStatus(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        REVERSED = "reversed", "Reversed"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cashback_events"
    )
    network = models.ForeignKey("offers.Network", on_delete=models.PROTECT, related_name="+")
    merchant = models.ForeignKey("offers.Merchant", on_delete=models.PROTECT, related_name="+")
    offer = models.ForeignKey(
        "offers.Offer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The tracking click's UUID (wallet does not depend on tracking's tables).
    click_uuid = models.UUIDField(db_index=True)
    external_txn_id = models.CharField(max_length=255)
    # In the platform currency. No sale amount: the network reported only its commission.
    sale_amount = MoneyField(null=True, blank=True)
    commission = MoneyField()
    cashback_amount = MoneyField()
    currency = models.CharField(max_length=3)
    # When the shopper bought, as the network says (else when we heard of it): statements
    # and reports count by it, and the attribution window runs to it.
    sale_at = models.DateTimeField()
    category_code = models.CharField(
        max_length=100, blank=True, help_text="The category the network reported."
    )
    rate_label = models.CharField(
        max_length=160,
        blank=True,
        help_text='How the cashback was worked out, e.g. "8% of the sale".',
    )
    # A sale reported in another currency: what the network sent, and the rate used.
    original_currency = models.CharField(max_length=3, blank=True)
    original_sale_amount = MoneyField(null=True, blank=True)
    original_commission = MoneyField(null=True, blank=True)
    fx_rate = models.DecimalField(
        max_digits=20,
        decimal_places=10,
        null=True,
        blank=True,
        help_text="Platform units per one unit of the original currency, on the sale date.",
    )
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    network_status = models.CharField(
        max_length=16, choices=NetworkStatus.choices, default=NetworkStatus.PENDING
    )
    # Snapshot of the network's policy when reported: confirm after the lock period
    # (True) or only once the network approves (False).
    auto_confirm = models.BooleanField(default=True)
    expected_confirmation_at = models.DateTimeField()
    reason = models.TextField(blank=True)
    network_approved_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    rejected_at = models.DateTimeField(null=True, blank=True)
    reversed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "created_at"]),
            # The dashboard's chart (a year of a shopper's cashback by month and status)
            # and its recent events. The included columns let the chart's sums read the
            # index alone: a busy shopper's year is thousands of rows, one heap page each.
            models.Index(
                fields=["user", "sale_at"],
                include=["status", "cashback_amount"],
                name="wallet_event_user_sale",
            ),
            # The dashboard: confirmed (lifetime earned, in the platform's currency) and
            # pending (upcoming) per shopper, from the index alone.
            models.Index(
                fields=["user", "status"],
                include=["cashback_amount", "currency"],
                name="wallet_event_user_status_cur",
            ),
            models.Index(fields=["status", "expected_confirmation_at"]),
            # The offer and store daily figures (tracking.services.offer_stats): each
            # minute, the days of the events reported or moved since the last run, then
            # those days' events, without reading the whole table.
            models.Index(fields=["updated_at"], name="wallet_event_updated"),
            models.Index(fields=["sale_at"], name="wallet_event_sale_at"),
            # The confirmation job claims pending events in id order. Without this, each
            # batch walks the primary key past every event confirmed before it: the run
            # slows down as confirmed events pile up (300 ms a batch at half a million).
            models.Index(fields=["id"], condition=Q(status="pending"), name="wallet_event_pending"),
            # Cashback confirmed in a window: the earnings leaderboards (a day, a week, a
            # month, and the unsettled previous period) and the VIP tiers' trailing year.
            # Without it a weekly board scans every confirmed event ever. The predicate
            # names confirmed_at too, so that only queries bounding it (which imply it is
            # not null) can use the index: a shopper's lifetime sum keeps its index-only
            # scan of wallet_event_user_status_cur.
            models.Index(
                fields=["confirmed_at"],
                condition=Q(status="confirmed", confirmed_at__isnull=False),
                name="wallet_event_confirmed_at",
            ),
        ]
        constraints = [
            # Idempotency of postbacks: one event per network transaction.
            models.UniqueConstraint(
                fields=["network", "external_txn_id"], name="wallet_cashback_txn_unique"
            ),
            models.CheckConstraint(
                condition=Q(sale_amount__gte=0, commission__gte=0, cashback_amount__gte=0),
                name="wallet_cashback_amounts_gte_0",
            ),
        ]

    def __str__(self):
        return f"{self.external_txn_id}: {self.cashback_amount} {self.currency} ({self.status})"

    @property
    def ledger_reference(self) -> str:
        return f"cashback_event:{self.pk}"


class CashbackAmendment(models.Model):
    """A network changed a sale's amounts after reporting it (a modified order, a partial
    chargeback): what it said, what the event held before and after, and the cashback
    difference posted. The statement explains an adjustment from these rows."""

    class Kind(models.TextChoices):
        CHANGE = "change", "New amounts"
        CHARGEBACK = "chargeback", "Partial chargeback"

    event = models.ForeignKey(CashbackEvent, on_delete=models.PROTECT, related_name="amendments")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # One row per distinct report: a repeat of the same report finds it and changes nothing.
    idempotency_key = models.CharField(max_length=200, unique=True)
    reported_sale_amount = MoneyField(null=True, blank=True)
    reported_commission = MoneyField(null=True, blank=True)
    sale_amount_before = MoneyField(null=True, blank=True)
    sale_amount_after = MoneyField(null=True, blank=True)
    commission_before = MoneyField()
    commission_after = MoneyField()
    cashback_before = MoneyField()
    cashback_after = MoneyField()
    event_status = models.CharField(max_length=16, help_text="The event's status then.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["event", "id"]

    def __str__(self):
        return f"{self.event_id}: {self.cashback_before} → {self.cashback_after}"

    @property
    def cashback_delta(self):
        return self.cashback_after - self.cashback_before
