"""What the store sells: products (a brand's e-gift card, or our own SaveBucks gift card)
and their variants (a fixed denomination, or a range the shopper picks a value in)."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from config.fields import MoneyField, RateField

MAX_VALIDITY_DAYS = 36500

# Paths under /gift-cards/ that are pages of their own, not products.
RESERVED_SLUGS = frozenset({"orders", "redeem", "pay", "checkout", "cart", "received"})


def validate_product_slug(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(f"“{value}” is a page of the store; choose another slug.")


class ProductQuerySet(models.QuerySet):
    def live(self):
        """On sale: active and not deleted (soft delete keeps old orders' products)."""
        return self.filter(is_active=True, deleted_at__isnull=True)


class Product(models.Model):
    class Kind(models.TextChoices):
        VOUCHER = "voucher", "Brand voucher"
        SAVEBUCKS = "savebucks", "SaveBucks gift card"

    class CardType(models.TextChoices):
        E_GIFT = "e_gift", "E-gift card"

    class Delivery(models.TextChoices):
        ACCOUNT = "account", "On the account page"
        EMAIL = "email", "Email with a link to the account page"

    class Source(models.TextChoices):
        POOL = "pool", "Our code inventory"
        SUPPLIER = "supplier", "Bought from the supplier at fulfilment"
        ISSUED = "issued", "Issued by SaveBucks"

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True, validators=[validate_product_slug])
    sku = models.CharField(max_length=40, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.VOUCHER)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.POOL)
    # The supplier's own id for this product, when source is supplier.
    supplier_product_id = models.CharField(max_length=80, blank=True)
    merchant = models.ForeignKey(
        "offers.Merchant",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="gift_card_products",
        help_text="The brand the voucher is spent at (none for SaveBucks gift cards).",
    )
    category = models.ForeignKey(
        "offers.Category", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    description = models.TextField(blank=True)
    terms = models.TextField(blank=True)
    image = models.ImageField(upload_to="store/products/", blank=True)
    card_type = models.CharField(max_length=10, choices=CardType.choices, default=CardType.E_GIFT)
    delivery = models.CharField(max_length=10, choices=Delivery.choices, default=Delivery.EMAIL)
    # Bounded: a card issued today must expire on a date Python can hold (an unbounded
    # value made every fulfilment of the product fail with an OverflowError).
    validity_days = models.PositiveIntegerField(
        default=365,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_VALIDITY_DAYS)],
        help_text="How long a card is valid from delivery (1 day to 100 years).",
    )
    is_featured = models.BooleanField(default=False)
    is_bestseller = models.BooleanField(default=False)
    priority = models.IntegerField(default=0, help_text="Higher first in the list.")
    cashback_percent = RateField(
        default=Decimal("0.0000"), help_text="Cashback earned on the price paid, in percent."
    )
    currency = models.CharField(max_length=3, default=settings.PLATFORM_CURRENCY)
    is_active = models.BooleanField(default=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["-priority", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cashback_percent__gte=0, cashback_percent__lte=100),
                name="store_product_cashback_percent_range",
            ),
            models.CheckConstraint(
                condition=Q(kind="savebucks", source="issued")
                | (Q(kind="voucher") & ~Q(source="issued")),
                name="store_product_kind_matches_source",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("store:product", args=[self.slug])


class Variant(models.Model):
    """One way to buy a product. Fixed: `denomination` at `selling_price`. Variable:
    any value from `min_value` to `max_value`, priced at `price_percent` of the value."""

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="variants")
    denomination = MoneyField(null=True, blank=True)
    selling_price = MoneyField(null=True, blank=True)
    min_value = MoneyField(null=True, blank=True)
    max_value = MoneyField(null=True, blank=True)
    price_percent = RateField(default=Decimal("100.0000"))
    cost_price = MoneyField(default=Decimal("0.00"), help_text="What a code costs us.")
    is_available = models.BooleanField(default=True)
    low_stock_threshold = models.PositiveIntegerField(default=5)
    # When the last low-stock alert went out, so staff get one per dip, not one per sale.
    low_stock_alerted_at = models.DateTimeField(null=True, blank=True)
    sort_order = models.IntegerField(default=0)

    class Meta:
        ordering = ["product", "sort_order", "denomination", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(denomination__gt=0, selling_price__gt=0, min_value__isnull=True)
                    & Q(max_value__isnull=True)
                )
                | Q(
                    denomination__isnull=True,
                    min_value__gt=0,
                    max_value__gte=models.F("min_value"),
                    price_percent__gt=0,
                ),
                name="store_variant_fixed_or_range",
            ),
        ]

    def __str__(self):
        if self.is_fixed:
            return f"{self.product.name} {self.product.currency} {self.denomination}"
        return f"{self.product.name} {self.min_value} to {self.max_value}"

    @property
    def is_fixed(self) -> bool:
        return self.denomination is not None

    def clean(self):
        if self.is_fixed and (self.min_value is not None or self.max_value is not None):
            raise ValidationError("A variant has a denomination or a range, not both.")
        if self.is_fixed and not self.selling_price:
            raise ValidationError({"selling_price": "A fixed denomination needs a price."})
        if not self.is_fixed and (self.min_value is None or self.max_value is None):
            raise ValidationError("Give a denomination, or both ends of a range.")
        if None not in (self.min_value, self.max_value) and self.max_value < self.min_value:
            raise ValidationError({"max_value": "The range ends below its start."})
