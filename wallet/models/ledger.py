"""The double-entry ledger. Every movement of money is a Transaction whose Entries sum to
zero; entries are never changed or deleted (a mistake is corrected by another
transaction). Written only by wallet.services.ledger.ledger_post."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from config.fields import BalanceField, MoneyField


class AppendOnlyError(Exception):
    """Ledger rows are history: correct them with a reversing transaction."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model.__name__} rows are never updated.")

    def delete(self):
        raise AppendOnlyError(f"{self.model.__name__} rows are never deleted.")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows are never updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{type(self).__name__} rows are never deleted.")


# Accounts that belong to a person; every other kind is the platform's.
USER_ACCOUNT_KINDS = ("available", "pending", "hold", "partner_payable", "partner_hold")


class Account(models.Model):
    """A balance: one of a user's (available, pending, hold) or one of the platform's."""

    class Kind(models.TextChoices):
        AVAILABLE = "available", "Available (withdrawable)"
        PENDING = "pending", "Pending cashback"
        HOLD = "hold", "On hold (withdrawals, unpaid store orders)"
        PARTNER_PAYABLE = "partner_payable", "Partner commission payable"
        PARTNER_HOLD = "partner_hold", "Partner commission on hold for payout"
        NETWORK_RECEIVABLE = "network_receivable", "Networks owe us"
        COMMISSION_REVENUE = "commission_revenue", "Commission revenue"
        CASHBACK_EXPENSE = "cashback_expense", "Cashback expense"
        BONUS_EXPENSE = "bonus_expense", "Bonus expense"
        PAYOUT_CLEARING = "payout_clearing", "Payout clearing"
        FEE_REVENUE = "fee_revenue", "Fee revenue"
        ADJUSTMENTS = "adjustments", "Manual adjustments"
        # The gift-card store: what shoppers paid for vouchers, what gateways owe us
        # (negative while they hold our money), SaveBucks gift cards sold and not redeemed.
        STORE_SALES = "store_sales", "Gift-card store sales"
        GATEWAY_CLEARING = "gateway_clearing", "Payment gateways owe us"
        GIFT_CARD_LIABILITY = "gift_card_liability", "SaveBucks gift cards outstanding"
        AFFILIATE_COMMISSION_EXPENSE = (
            "affiliate_commission_expense",
            "Affiliate commission expense",
        )

    USER_KINDS = USER_ACCOUNT_KINDS

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_accounts",
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    currency = models.CharField(max_length=3)
    # A cache of SUM(entries.amount), changed only in the transaction that adds entries.
    balance = BalanceField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        permissions = [("adjust_balance", "Can credit or debit a shopper's balance by hand")]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "kind", "currency"],
                condition=Q(owner__isnull=False),
                name="wallet_account_user_unique",
            ),
            models.UniqueConstraint(
                fields=["kind", "currency"],
                condition=Q(owner__isnull=True),
                name="wallet_account_platform_unique",
            ),
            models.CheckConstraint(
                condition=Q(owner__isnull=False, kind__in=USER_ACCOUNT_KINDS)
                | (Q(owner__isnull=True) & ~Q(kind__in=USER_ACCOUNT_KINDS)),
                name="wallet_account_owner_matches_kind",
            ),
        ]

    def __str__(self):
        owner = (self.owner_id and f"user {self.owner_id}") or "platform"
        return f"{owner} {self.kind} ({self.currency})"


class Transaction(AppendOnlyModel):
    kind = models.CharField(max_length=40, db_index=True)
    # What the money moved for, e.g. "cashback_event:42".
    reference = models.CharField(max_length=100, blank=True, db_index=True)
    # The same key posted again returns this transaction instead of moving money twice.
    idempotency_key = models.CharField(max_length=200, unique=True)
    memo = models.CharField(max_length=255, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    currency = models.CharField(max_length=3)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.kind} #{self.pk}"


class Entry(AppendOnlyModel):
    transaction = models.ForeignKey(Transaction, on_delete=models.PROTECT, related_name="entries")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries")
    amount = MoneyField()
    # The account's balance right after this entry: statements read it, the audit checks it.
    balance_after = BalanceField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "entries"
        indexes = [models.Index(fields=["account", "id"])]
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="wallet_entry_nonzero")]

    def __str__(self):
        return f"{self.amount:+} on account {self.account_id}"

    @property
    def balance_before(self):
        return self.balance_after - self.amount
