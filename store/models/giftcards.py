"""SaveBucks gift cards: store credit we issue ourselves, redeemed into a balance once."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from config.fields import EncryptedTextField, MoneyField


class GiftCard(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        REDEEMED = "redeemed", "Redeemed"
        DISABLED = "disabled", "Disabled"

    code = EncryptedTextField()
    # HMAC of the normalised code: how a redemption finds the card.
    digest = models.CharField(max_length=64, unique=True)
    last4 = models.CharField(max_length=4)
    initial_value = MoneyField()
    remaining_value = MoneyField()
    currency = models.CharField(max_length=3)
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="gift_cards_bought",
    )
    order_item = models.ForeignKey(
        "store.OrderItem",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="gift_cards",
    )
    # The n-th card of its order item: a rerun of fulfilment issues none twice.
    sequence = models.PositiveSmallIntegerField(default=0)
    recipient_email = models.EmailField(blank=True)
    message = models.CharField(max_length=300, blank=True)
    expires_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    redeemed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="gift_cards_redeemed",
    )
    redeemed_at = models.DateTimeField(null=True, blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    first_revealed_at = models.DateTimeField(null=True, blank=True)
    reveal_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        permissions = [("disable_giftcard", "Can disable a SaveBucks gift card")]
        constraints = [
            models.UniqueConstraint(
                fields=["order_item", "sequence"],
                condition=Q(order_item__isnull=False),
                name="store_giftcard_once_per_item_sequence",
            ),
            models.CheckConstraint(
                condition=Q(remaining_value__gte=0, remaining_value__lte=models.F("initial_value")),
                name="store_giftcard_remaining_within_initial",
            ),
        ]

    def __str__(self):
        return f"Gift card ••••{self.last4}"

    def delete(self, *args, **kwargs):
        # Cards are disabled, never deleted: the ledger and the buyer's order point at them.
        raise models.ProtectedError("Gift cards are disabled, never deleted.", {self})
