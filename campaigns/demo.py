"""Demo campaigns: `demo-campaign` (open to every partner; conversion token
`demo-conv-token`; default goal DEMOSALE01, 10% of the sale) and one that needs approval."""

from decimal import Decimal

from config.tokens import hash_token

from .models import Campaign, Goal

DEMO_CONVERSION_TOKEN = "demo-conv-token"

CAMPAIGNS = [
    {
        "slug": "demo-campaign",
        "token": DEMO_CONVERSION_TOKEN,
        "name": "Demo Outdoor Store",
        "description": "Tents, boots and jackets. 10% on every sale, 2.00 per newsletter lead.",
        "campaign_type": Campaign.Type.CPS,
        "visibility": Campaign.Visibility.PUBLIC,
        "terms": "No brand bidding. No incentivised traffic.",
        "goals": [
            ("DEMOSALE01", "Sale", Goal.CommissionType.PERCENTAGE, "10", True),
            ("DEMOLEAD01", "Newsletter lead", Goal.CommissionType.FIXED, "2.00", False),
        ],
    },
    {
        "slug": "demo-travel",
        "token": "demo-travel-token",
        "name": "Demo Travel Deals",
        "description": "Hotel bookings: 5.00 per confirmed booking. Partners are reviewed first.",
        "campaign_type": Campaign.Type.CPA,
        "visibility": Campaign.Visibility.APPROVAL_REQUIRED,
        "terms": "Content sites only.",
        "goals": [("DEMOBOOK01", "Booking", Goal.CommissionType.FIXED, "5.00", True)],
    },
]


def seed() -> list[str]:
    for spec in CAMPAIGNS:
        spec = dict(spec)
        goals, token = spec.pop("goals"), spec.pop("token")
        campaign, _ = Campaign.objects.update_or_create(
            slug=spec.pop("slug"),
            defaults={
                **spec,
                "status": Campaign.Status.ACTIVE,
                "default_destination_url": "https://example.com/landing?click={click_id}",
                "fallback_url": "https://example.com/",
                "allowed_domains": "example.com",
                "attribution_window_days": 30,
                "holding_days": 30,
                "postback_token_hash": hash_token(token),
                "postback_token_hint": token[-4:],
            },
        )
        for code, name, kind, value, is_default in goals:
            Goal.objects.update_or_create(
                tracking_code=code,
                defaults={
                    "campaign": campaign,
                    "name": name,
                    "commission_type": kind,
                    "commission_value": Decimal(value),
                    "is_default": is_default,
                    "status": Goal.Status.ACTIVE,
                },
            )
    return [
        f"campaign demo-campaign: conversion token {DEMO_CONVERSION_TOKEN}, "
        "goals DEMOSALE01 (default, 10%) and DEMOLEAD01 (2.00)"
    ]
