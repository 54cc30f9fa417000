"""The store's demo catalogue: three brand e-gift cards (10.00, 25.00, 50.00, 20 pooled
codes each; Glow Beauty earns 3% cashback), `limited-edition` (one 10.00 variant with
exactly 3 codes, for trying a sell-out), and the SaveBucks gift card (10/25/50 and any
value from 5 to 200).

Idempotent: products and variants are found by slug and value, and codes by their digest,
so a second run adds nothing; codes sold since stay sold and are not topped up. The codes
are fake and derived from the slug (the same on every machine)."""

import hashlib
from decimal import Decimal

from offers.models import Category, Merchant

from ..models import Code, Product, Variant
from ..services.codes import code_digest, last4

D = Decimal
DENOMINATIONS = (D("10.00"), D("25.00"), D("50.00"))
CODES_PER_VARIANT = 20
LIMITED_CODES = 3

# slug, merchant slug, category slug, name, sku, cashback percent, featured
BRANDS = [
    (
        "acme-electronics-gift-card",
        "acme-electronics",
        "electronics",
        "Acme Electronics",
        "ACME-EGC",
        "0",
        True,
    ),
    (
        "urban-threads-gift-card",
        "urban-threads",
        "clothing",
        "Urban Threads",
        "URBN-EGC",
        "0",
        False,
    ),
    ("glow-beauty-gift-card", "glow-beauty", "beauty", "Glow Beauty", "GLOW-EGC", "3", True),
]
LIMITED_SLUG = "limited-edition"
SAVEBUCKS_SLUG = "savebucks-gift-card"
RANGE = (D("5.00"), D("200.00"))


def demo_code(slug: str, denomination: Decimal, n: int) -> str:
    """A fake voucher code, the same for (product, value, n) on every run and machine."""
    seed = f"savebucks-demo:{slug}:{denomination}:{n}".encode()
    digits = hashlib.sha256(seed).hexdigest().upper()[:16]
    return "-".join(digits[i : i + 4] for i in range(0, 16, 4))


def _product(slug: str, **fields) -> Product:
    product = Product.objects.filter(slug=slug).first()
    if product is None:
        product = Product.objects.create(slug=slug, **fields)
    elif product.deleted_at or not product.is_active:
        # The demo must be buyable: a product taken off sale while playing comes back.
        Product.objects.filter(pk=product.pk).update(deleted_at=None, is_active=True)
    return product


def _fixed(product: Product, denomination: Decimal, order: int) -> Variant:
    variant, _ = Variant.objects.get_or_create(
        product=product,
        denomination=denomination,
        defaults={
            "selling_price": denomination,
            "cost_price": (denomination * D("0.95")).quantize(D("0.01")),
            "sort_order": order,
        },
    )
    return variant


def _stock(variant: Variant, slug: str, count: int) -> int:
    codes = [demo_code(slug, variant.denomination, n) for n in range(1, count + 1)]
    digests = {code_digest(code): code for code in codes}
    held = set(Code.objects.filter(digest__in=digests).values_list("digest", flat=True))
    missing = [(digest, code) for digest, code in digests.items() if digest not in held]
    Code.objects.bulk_create(
        Code(
            variant=variant,
            code=code,
            pin=f"{int(hashlib.sha256(code.encode()).hexdigest()[:8], 16) % 10000:04d}",
            last4=last4(code),
            digest=digest,
        )
        for digest, code in missing
    )
    return len(missing)


def seed() -> list[str]:
    categories = {c.slug: c for c in Category.objects.filter(slug__in=[b[2] for b in BRANDS])}
    lines = []
    for priority, row in enumerate(BRANDS):
        slug, merchant_slug, category, name, sku, cashback, featured = row
        merchant = Merchant.objects.get(slug=merchant_slug)
        product = _product(
            slug,
            name=f"{name} e-gift card",
            sku=sku,
            merchant=merchant,
            category=categories.get(category),
            description=f"Spend it on anything at {name}, online or in store.",
            terms="Valid for 12 months from delivery. Not exchangeable for cash.",
            cashback_percent=D(cashback),
            is_featured=featured,
            priority=len(BRANDS) - priority + 1,
        )
        for order, denomination in enumerate(DENOMINATIONS):
            _stock(_fixed(product, denomination, order), slug, CODES_PER_VARIANT)
        earns = f", {cashback}% cashback" if D(cashback) else ""
        lines.append(f"store    {slug}: 10/25/50, {CODES_PER_VARIANT} codes each{earns}")
    limited = _product(
        LIMITED_SLUG,
        name="Acme Electronics limited edition",
        sku="ACME-LTD",
        merchant=Merchant.objects.get(slug="acme-electronics"),
        category=categories.get("electronics"),
        description="A limited run: only three cards exist.",
    )
    _stock(_fixed(limited, D("10.00"), 0), LIMITED_SLUG, LIMITED_CODES)
    lines.append(f"store    {LIMITED_SLUG}: one 10.00 variant with {LIMITED_CODES} codes")
    ours = _product(
        SAVEBUCKS_SLUG,
        name="SaveBucks gift card",
        sku="SB-GIFT",
        kind=Product.Kind.SAVEBUCKS,
        source=Product.Source.ISSUED,
        description="Store credit for SaveBucks: send it to a friend, who redeems it into "
        "their balance.",
        is_featured=True,
        priority=10,
    )
    for order, denomination in enumerate(DENOMINATIONS):
        _fixed(ours, denomination, order)
    Variant.objects.get_or_create(
        product=ours,
        denomination=None,
        min_value=RANGE[0],
        max_value=RANGE[1],
        defaults={"price_percent": D("100.0000"), "sort_order": len(DENOMINATIONS)},
    )
    lines.append(f"store    {SAVEBUCKS_SLUG}: 10/25/50 or any value from {RANGE[0]} to {RANGE[1]}")
    return lines
