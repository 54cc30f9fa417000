"""Demo catalog: network `demo` (postback token `demo-token`), categories, 10 stores (with
category rates: acme-electronics pays 8% on `category=laptops`) and 30 offers whose
tracking URLs point at example.com with {click_id}."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from config.tokens import hash_token

from .models import Category, Merchant, MerchantCommission, Network, Offer

DEMO_TOKEN = "demo-token"

CATEGORIES = [
    ("fashion", "Fashion", None, True),
    ("shoes", "Shoes", "fashion", False),
    ("clothing", "Clothing", "fashion", False),
    ("electronics", "Electronics", None, True),
    ("phones", "Phones", "electronics", False),
    ("travel", "Travel", None, True),
    ("home-garden", "Home & Garden", None, False),
    ("beauty", "Beauty", None, False),
    ("books", "Books", None, False),
    ("outdoors", "Outdoors", None, False),
]

# slug, name, category, cashback type, value, max, featured, confirmation days
MERCHANTS = [
    ("acme-electronics", "Acme Electronics", "electronics", "percentage", "4", "50.00", True, 60),
    ("pixelphone", "PixelPhone", "phones", "fixed", "12.00", None, True, 45),
    ("nimbus-travel", "Nimbus Travel", "travel", "percentage", "6", "120.00", True, 90),
    ("urban-threads", "Urban Threads", "clothing", "percentage", "8", None, True, 30),
    ("stride-shoes", "Stride Shoes", "shoes", "percentage", "10", "25.00", False, 30),
    ("leaf-and-loom", "Leaf & Loom Home", "home-garden", "percentage", "5", None, False, 60),
    ("glow-beauty", "Glow Beauty", "beauty", "percentage", "12", None, True, 30),
    ("booknook", "BookNook", "books", "fixed", "1.50", None, False, 14),
    ("peak-outdoor", "Peak Outdoor", "outdoors", "percentage", "7.5", "40.00", False, 45),
    ("freshcart", "FreshCart Grocery", "home-garden", "percentage", "3", "10.00", False, 7),
]

# Rates a store's network reports by category code (its `category` parameter): store slug →
# (code, label, network commission %, shopper share %). Acme's laptops pay shoppers 8%.
CATEGORY_RATES = {
    "acme-electronics": [("laptops", "Laptops", "16", "50")],
}

OFFERS = [  # per store: a coupon, a deal, a sale
    ("code", "{pct} off your first order", "WELCOME{n}", True),
    ("deal", "Free delivery on orders over $50", "", False),
    ("sale", "Seasonal sale: up to 40% off", "", False),
]


def seed() -> list[str]:
    network, _ = Network.objects.update_or_create(
        slug="demo",
        defaults={
            "name": "Demo Network",
            "website": "https://network.example.com",
            "status": Network.Status.ACTIVE,
            "postback_token_hash": hash_token(DEMO_TOKEN),
            "postback_token_hint": DEMO_TOKEN[-4:],
            "default_commission_rate": Decimal("8"),
            "confirmation_policy": Network.ConfirmationPolicy.AUTO,
        },
    )
    categories = {}
    for order, (slug, name, parent, featured) in enumerate(CATEGORIES):
        categories[slug], _ = Category.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "parent": categories.get(parent),
                "is_featured": featured,
                "sort_order": order,
            },
        )
    ends = timezone.now() + timedelta(days=90)
    for priority, (slug, name, category, kind, value, cap, featured, days) in enumerate(MERCHANTS):
        merchant, _ = Merchant.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "network": network,
                "website": f"https://www.example.com/{slug}",
                "description": f"{name}: shop online and earn cashback on every order.",
                "tracking_url": (
                    f"https://www.example.com/track/{slug}?click={{click_id}}"
                    "&uid={user_id}&offer={offer_id}"
                ),
                "cashback_type": kind,
                "cashback_value": Decimal(value),
                "cashback_max": Decimal(cap) if cap else None,
                "is_featured": featured,
                "priority": len(MERCHANTS) - priority,
                "confirmation_days": days,
                "terms": "Cashback is paid on the order value after discounts, excluding tax "
                "and delivery. Orders paid with gift cards do not earn cashback.",
                "is_active": True,
                "deleted_at": None,
            },
        )
        # The network pays twice what shoppers see and we pass on half: the rates table
        # agrees with the store's headline rate, and sale items earn half of it.
        # These two carry no code: shown to shoppers, never matched to a reported category.
        rates = {
            "Most purchases": ("", kind, Decimal(value) * 2, Decimal("50")),
            "Sale and clearance items": ("", kind, Decimal(value), Decimal("50")),
        }
        for code, label, commission, share in CATEGORY_RATES.get(slug, []):
            rates[label] = (code, "percentage", Decimal(commission), Decimal(share))
        for label, (code, rate_kind, commission, share) in rates.items():
            # Saving a rate rebuilds the store's rate card (offers.receivers).
            MerchantCommission.objects.update_or_create(
                merchant=merchant,
                label=label,
                defaults={
                    "code": code,
                    "commission_type": rate_kind,
                    "commission_value": commission,
                    "shopper_share": share,
                    "valid_from": None,
                    "valid_until": None,
                    "is_active": True,
                },
            )
        merchant.commissions.exclude(label__in=rates).delete()
        for n, (offer_type, title, code, offer_featured) in enumerate(OFFERS, start=1):
            Offer.objects.update_or_create(
                merchant=merchant,
                external_id=f"demo-{slug}-{n}",
                defaults={
                    "title": f"{name}: {title.format(pct='15%')}",
                    "description": f"{title.format(pct='15%')} at {name}.",
                    "offer_type": offer_type,
                    "coupon_code": code.format(n=15) if code else "",
                    "category": categories[category],
                    "status": Offer.Status.ACTIVE,
                    "is_featured": offer_featured and featured,
                    "is_verified": True,
                    "ends_at": ends,
                    "priority": 3 - n,
                    "deleted_at": None,
                },
            )
    return [
        f"network  demo (postback token: {DEMO_TOKEN}), {len(MERCHANTS)} stores, "
        f"{len(MERCHANTS) * len(OFFERS)} offers; acme-electronics pays 8% on category=laptops"
    ]
