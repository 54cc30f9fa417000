"""Demo VIP tiers (Bronze, Silver, Gold), every shopper's tier recomputed, and the demo
shopper's points (and any top-up) for their confirmed cashback."""

from decimal import Decimal

from accounts.models import User
from wallet.models import CashbackEvent

from ..models import UserTier, VipTier
from ..services.cashback_rewards import cashback_rewards
from ..services.points import points_balance
from ..services.tiers import recompute_tiers

TIERS = [  # name, slug, threshold, top-up percent, daily bonus multiplier
    ("Bronze", "bronze", "0.00", "0.00", "1.00"),
    ("Silver", "silver", "100.00", "2.00", "1.50"),
    ("Gold", "gold", "500.00", "5.00", "2.00"),
]


def seed() -> list[str]:
    for order, (name, slug, threshold, topup, multiplier) in enumerate(TIERS):
        # get_or_create: tiers staff have edited since stay as they are.
        VipTier.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "threshold": Decimal(threshold),
                "topup_percent": Decimal(topup),
                "daily_bonus_multiplier": Decimal(multiplier),
                "sort_order": order,
            },
        )
    recompute_tiers()
    shopper = User.objects.get(email="demo@savebucks.test")
    # The confirmation runs of the earlier demo data award these after commit too; the
    # keys make that a no-op, and the demo shows the points at once.
    cashback_rewards(
        event_ids=list(
            CashbackEvent.objects.filter(
                user=shopper, status=CashbackEvent.Status.CONFIRMED
            ).values_list("pk", flat=True)
        )
    )
    held = UserTier.objects.filter(user=shopper).select_related("tier").first()
    balance, _ = points_balance(shopper)
    return [
        "tiers    " + ", ".join(f"{name} ({threshold})" for name, _, threshold, *_ in TIERS),
        f"shopper  {shopper.email}: tier {held.tier.name if held else 'none'}, {balance} points",
    ]
