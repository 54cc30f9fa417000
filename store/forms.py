"""The shopper's store forms: the buy form of a product page, the catalog filters, and
the gift-card redeem form. They shape input; order_place and gift_card_redeem decide."""

import uuid
from decimal import Decimal

from django import forms

from accounts.templatetags.ui import plain_number

from .gateways import enabled_gateways
from .models import Order, Product

PAYMENTS = [
    (Order.Payment.WALLET, "My SaveBucks balance"),
    (Order.Payment.GATEWAY, "Card or UPI"),
    (Order.Payment.MIXED, "My balance first, the rest by card or UPI"),
]


class CatalogFilterForm(forms.Form):
    brand = forms.ChoiceField(required=False)
    category = forms.ChoiceField(required=False)
    kind = forms.ChoiceField(required=False, choices=[("", "All cards"), *Product.Kind.choices])
    min_price = forms.DecimalField(required=False, min_value=0, max_digits=14, decimal_places=2)
    max_price = forms.DecimalField(required=False, min_value=0, max_digits=14, decimal_places=2)
    in_stock = forms.BooleanField(required=False, label="In stock only")

    def __init__(self, *args, brands=(), categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["brand"].choices = [("", "All brands"), *brands]
        self.fields["category"].choices = [("", "All categories"), *categories]


class BuyForm(forms.Form):
    variant = forms.TypedChoiceField(coerce=int, label="Card")
    quantity = forms.IntegerField(min_value=1, max_value=10, initial=1)
    amount = forms.DecimalField(
        required=False,
        min_value=Decimal("0.01"),
        max_digits=14,
        decimal_places=2,
        label="Value",
        help_text="For a card of your chosen value.",
    )
    payment = forms.ChoiceField(choices=PAYMENTS, initial=Order.Payment.WALLET)
    gateway = forms.ChoiceField(required=False, label="Pay with")
    recipient_email = forms.EmailField(
        required=False, label="Send to (email)", help_text="Leave blank to keep it yourself."
    )
    message = forms.CharField(required=False, max_length=300, widget=forms.Textarea({"rows": 2}))
    # Fresh on every render: submitting the same page twice places one order.
    idempotency_key = forms.CharField(max_length=80, widget=forms.HiddenInput)

    def __init__(self, *args, product: Product, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("idempotency_key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        self.product = product
        variants = product.on_sale
        self.fields["variant"].choices = [(v.pk, _label(product, v)) for v in variants]
        if len(variants) == 1:
            self.fields["variant"].initial = variants[0].pk
        if all(v.is_fixed for v in variants):
            del self.fields["amount"]
        if product.kind != Product.Kind.SAVEBUCKS:
            del self.fields["recipient_email"]
            del self.fields["message"]
        gateways = enabled_gateways()
        self.fields["gateway"].choices = [(g, g.capitalize()) for g in gateways]
        if gateways:
            self.fields["gateway"].initial = gateways[0]
        else:  # nothing to pay with but the balance
            self.fields["payment"].choices = PAYMENTS[:1]
            del self.fields["gateway"]


def _label(product: Product, variant) -> str:
    sold_out = "" if getattr(variant, "in_stock", True) else " (sold out)"
    if variant.is_fixed:
        currency = product.currency
        return f"{currency} {variant.denomination} for {currency} {variant.selling_price}{sold_out}"
    return (
        f"Any value from {product.currency} {variant.min_value} to {variant.max_value} "
        f"({plain_number(variant.price_percent)}% of the value){sold_out}"
    )


class RedeemForm(forms.Form):
    code = forms.CharField(
        max_length=40,
        label="Gift card code",
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "placeholder": "SBGC-XXXX-XXXX-XXXX-XXXX"}
        ),
    )
