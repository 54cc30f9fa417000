"""What the orders API reads and answers. Codes are masked (last four) everywhere but
the reveal, which answers them in clear to their owner only."""

from decimal import Decimal

from rest_framework import serializers

from config.money import MONEY_FIELD

from .gateways import _registry
from .models import Order, OrderItem


class ItemInputSerializer(serializers.Serializer):
    variant = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    quantity = serializers.IntegerField(min_value=1, max_value=10)
    amount = serializers.DecimalField(
        required=False,
        min_value=Decimal("0.01"),
        help_text="The card's value, for a range variant.",
        **MONEY_FIELD,
    )
    recipient_email = serializers.EmailField(
        required=False, allow_blank=True, help_text="SaveBucks cards only: who it is for."
    )
    message = serializers.CharField(
        required=False, allow_blank=True, max_length=300, help_text="SaveBucks cards only."
    )


class OrderInputSerializer(serializers.Serializer):
    items = ItemInputSerializer(many=True, allow_empty=False, max_length=10)
    payment = serializers.ChoiceField(choices=Order.Payment.choices)
    gateway = serializers.ChoiceField(
        choices=sorted(_registry()),
        required=False,
        allow_blank=True,
        help_text="Needed for gateway and mixed payments.",
    )
    idempotency_key = serializers.RegexField(
        r"^[\x21-\x7e]{1,80}$",
        max_length=80,
        help_text="Yours, fresh per order: the same key again answers the same order.",
    )


class OrderPlacedSerializer(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.ChoiceField(choices=Order.Status.choices)
    total = serializers.DecimalField(**MONEY_FIELD)
    wallet_used = serializers.DecimalField(**MONEY_FIELD)
    gateway_amount = serializers.DecimalField(**MONEY_FIELD)
    checkout_url = serializers.URLField(
        allow_null=True, help_text="Where to pay the gateway part; null when nothing is due."
    )


class OrderSerializer(serializers.ModelSerializer):
    subtotal = serializers.DecimalField(**MONEY_FIELD)
    total = serializers.DecimalField(**MONEY_FIELD)
    wallet_used = serializers.DecimalField(**MONEY_FIELD)
    gateway_amount = serializers.DecimalField(**MONEY_FIELD)
    refunded_amount = serializers.DecimalField(**MONEY_FIELD)

    class Meta:
        model = Order
        fields = [
            "number",
            "status",
            "payment_method",
            "gateway",
            "currency",
            "subtotal",
            "total",
            "wallet_used",
            "gateway_amount",
            "refunded_amount",
            "created_at",
            "paid_at",
            "fulfilled_at",
            "cancelled_at",
        ]
        read_only_fields = fields


class MaskedCodeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    last4 = serializers.CharField()
    revealed = serializers.BooleanField(help_text="Shown to you at least once.")


class OrderItemSerializer(serializers.ModelSerializer):
    denomination = serializers.DecimalField(**MONEY_FIELD)
    unit_price = serializers.DecimalField(**MONEY_FIELD)
    line_total = serializers.DecimalField(**MONEY_FIELD)
    codes = MaskedCodeSerializer(many=True, source="masked")
    # Plain text: blank (the buyer keeps it) is not an email address.
    recipient_email = serializers.CharField(help_text="Who a SaveBucks card is for; blank: you.")

    class Meta:
        model = OrderItem
        fields = [
            "id",
            "name",
            "sku",
            "kind",
            "denomination",
            "unit_price",
            "quantity",
            "line_total",
            "status",
            "recipient_email",
            "codes",
        ]
        read_only_fields = fields


class OrderDetailSerializer(OrderSerializer):
    items = OrderItemSerializer(many=True)
    checkout_url = serializers.URLField(
        allow_null=True, help_text="Where to pay, while the order awaits payment."
    )
    cancellable = serializers.BooleanField()

    class Meta(OrderSerializer.Meta):
        fields = [*OrderSerializer.Meta.fields, "cancellable", "checkout_url", "items"]
        read_only_fields = fields


class RevealedCodeSerializer(serializers.Serializer):
    code = serializers.CharField()
    pin = serializers.CharField(help_text="Blank when the card has none.")
    expires_on = serializers.DateField(allow_null=True)
    value = serializers.DecimalField(**MONEY_FIELD)


class RevealSerializer(serializers.Serializer):
    codes = RevealedCodeSerializer(many=True)
