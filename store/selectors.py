"""The store's reads shared by the pages and the API: the catalog with its filters and
stock, a shopper's orders with what they hold, and the gift cards sent to a shopper.

Each read is a fixed number of queries whatever the page holds (the list pages assert
it): products with their brand and category in one query, their variants in one more,
the stock of every variant shown in one `stock_levels` query.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
)
from django.utils import timezone

from accounts.models import StatusChange
from config.money import money

from .models import Code, GiftCard, Order, OrderItem, Payment, Product, Variant
from .services.inventory import stock_levels

PRICE = DecimalField(max_digits=20, decimal_places=4)
# What a shopper may still undo themselves (store.services.refunds.order_cancel decides).
CANCELLABLE = (Order.Status.PENDING, Order.Status.PAID)


@dataclass(frozen=True)
class CatalogFilters:
    brand: str = ""  # a merchant slug
    category: str = ""  # a category slug
    kind: str = ""
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    in_stock: bool | None = None
    featured: bool | None = None


def _sellable_variants():
    # Fixed denominations first, smallest up, then ranges (on every database: SQLite sorts
    # NULL first, PostgreSQL last).
    return Variant.objects.filter(is_available=True).order_by(
        "sort_order", F("denomination").asc(nulls_last=True), "pk"
    )


def _priced_between(low: Decimal | None, high: Decimal | None):
    """A product with a variant priced within [low, high]: a fixed one at its selling
    price, a range one whose cheapest to dearest price meets the window."""
    variants = Variant.objects.filter(product=OuterRef("pk"), is_available=True).annotate(
        low_price=ExpressionWrapper(F("min_value") * F("price_percent") / 100, output_field=PRICE),
        high_price=ExpressionWrapper(F("max_value") * F("price_percent") / 100, output_field=PRICE),
    )
    fixed, ranged = Q(denomination__isnull=False), Q(denomination__isnull=True)
    if low is not None:
        fixed &= Q(selling_price__gte=low)
        ranged &= Q(high_price__gte=low)
    if high is not None:
        fixed &= Q(selling_price__lte=high)
        ranged &= Q(low_price__lte=high)
    return Exists(variants.filter(fixed | ranged))


def _stocked():
    """Supplier and issued products never run out while a variant is on sale; pool
    products need an unexpired available code."""
    codes = Code.objects.filter(
        variant__product=OuterRef("pk"),
        variant__is_available=True,
        status=Code.Status.AVAILABLE,
    ).exclude(expires_on__lte=timezone.localdate())
    on_sale = Variant.objects.filter(product=OuterRef("pk"), is_available=True)
    return (~Q(source=Product.Source.POOL) & Exists(on_sale)) | Exists(codes)


def products_live(filters: CatalogFilters | None = None):
    """Live products in the catalog's order (priority, then name), with brand, category
    and on-sale variants loaded."""
    filters = filters or CatalogFilters()
    products = (
        Product.objects.live()
        .select_related("merchant", "category")
        .prefetch_related(Prefetch("variants", queryset=_sellable_variants(), to_attr="on_sale"))
        .order_by("-priority", "name", "pk")
    )
    if filters.brand:
        products = products.filter(merchant__slug=filters.brand)
    if filters.category:
        products = products.filter(category__slug=filters.category)
    if filters.kind:
        products = products.filter(kind=filters.kind)
    if filters.featured is not None:
        products = products.filter(is_featured=filters.featured)
    if filters.min_price is not None or filters.max_price is not None:
        products = products.filter(_priced_between(filters.min_price, filters.max_price))
    if filters.in_stock is not None:
        products = products.filter(_stocked() if filters.in_stock else ~_stocked())
    return products


def variant_price_from(variant: Variant) -> Decimal:
    if variant.is_fixed:
        return variant.selling_price
    # The one rounding helper (ROUND_HALF_UP), as order_place prices the same value.
    return money(variant.min_value * variant.price_percent / 100)


def catalog_stock(products) -> dict[int, bool]:
    """In stock, per variant of the given (prefetched) products, in one query."""
    products = list(products)
    pooled = [v.pk for p in products if p.source == Product.Source.POOL for v in _on_sale_of(p)]
    levels = stock_levels(pooled) if pooled else {}
    return {
        v.pk: (p.source != Product.Source.POOL or levels.get(v.pk, 0) > 0)
        for p in products
        for v in _on_sale_of(p)
    }


def _on_sale_of(product: Product) -> list[Variant]:
    on_sale = getattr(product, "on_sale", None)
    if on_sale is None:
        on_sale = list(_sellable_variants().filter(product=product))
        product.on_sale = on_sale
    return on_sale


def catalog_decorate(products) -> list[Product]:
    """Each product with `price_from`, `in_stock`, and each variant with `in_stock`."""
    products = list(products)
    stock = catalog_stock(products)
    for product in products:
        variants = _on_sale_of(product)
        for variant in variants:
            variant.in_stock = stock[variant.pk]
            variant.price_from = variant_price_from(variant)
        product.price_from = min((v.price_from for v in variants), default=None)
        product.in_stock = any(v.in_stock for v in variants)
    return products


def product_live(slug: str) -> Product | None:
    product = products_live().filter(slug=slug).first()
    return catalog_decorate([product])[0] if product else None


# --- Orders -------------------------------------------------------------------------


def orders_of(user):
    return Order.objects.filter(user=user).order_by("-created_at", "-pk")


def order_of(user, number: str) -> Order | None:
    """The shopper's order with its items, their sold codes and gift cards, its open
    checkout and its history; None for a number that is not theirs (or no order)."""
    order = (
        orders_of(user)
        .filter(number=number)
        .prefetch_related(
            Prefetch(
                "items",
                queryset=OrderItem.objects.order_by("pk").prefetch_related(
                    Prefetch(
                        "codes",
                        queryset=Code.objects.filter(status=Code.Status.SOLD).order_by("pk"),
                        to_attr="sold_codes",
                    ),
                    Prefetch(
                        "gift_cards",
                        queryset=GiftCard.objects.order_by("sequence"),
                        to_attr="cards",
                    ),
                ),
            )
        )
        .first()
    )
    if order is None:
        return None
    for item in order.items.all():
        item.masked = [
            {
                "id": secret.pk,
                "last4": secret.last4,
                "revealed": secret.first_revealed_at is not None,
            }
            for secret in (*item.sold_codes, *item.cards)
        ]
        item.revealable = item.status == OrderItem.Status.DELIVERED and bool(item.masked)
    order.cancellable = order.status in CANCELLABLE
    order.checkout_url, order.payment_failed = _open_checkout(order)
    return order


def order_checkout_url(order: Order) -> str | None:
    """The open checkout of a pending order, where the shopper pays."""
    return _open_checkout(order)[0]


def _open_checkout(order: Order) -> tuple[str | None, bool]:
    """(checkout URL, whether the last attempt failed) of a pending order. A failed
    attempt leaves the order pending and its checkout open: the shopper may try again
    until the order expires (`payment_failed` with `final=False`)."""
    if order.status != Order.Status.PENDING or not order.gateway_amount:
        return None, False
    row = (
        Payment.objects.filter(
            order=order, status__in=(Payment.Status.CREATED, Payment.Status.FAILED)
        )
        .exclude(checkout_url="")
        .order_by("-pk")
        .values_list("checkout_url", "status")
        .first()
    )
    if row is None:
        return None, False
    return row[0], row[1] == Payment.Status.FAILED


def order_history(order: Order) -> list[StatusChange]:
    """The order's status moves, oldest first, each with `label` in the shopper's words."""
    changes = list(
        StatusChange.objects.filter(
            content_type=ContentType.objects.get_for_model(Order), object_id=order.pk
        ).order_by("created_at", "pk")
    )
    labels = dict(Order.Status.choices)
    for change in changes:
        change.label = labels.get(change.to_status, change.to_status)
    return changes


# --- Gift cards ---------------------------------------------------------------------


def gift_cards_sent_to(user):
    """Active, unexpired cards addressed to the shopper's email, once it is verified:
    an unverified address may be someone else's."""
    if not (user.is_authenticated and user.email_verified and user.email):
        return GiftCard.objects.none()
    return GiftCard.objects.filter(
        recipient_email__iexact=user.email,
        status=GiftCard.Status.ACTIVE,
        expires_at__gt=timezone.now(),
    ).order_by("-created_at", "-pk")
