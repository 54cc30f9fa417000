"""VIP tiers and shoppers holding them."""

from decimal import Decimal

import factory
from django.utils import timezone

from gamification.models import UserTier, VipTier


class VipTierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VipTier

    name = factory.Sequence(lambda n: f"Tier {n}")
    slug = factory.Sequence(lambda n: f"tier-{n}")
    threshold = factory.Sequence(lambda n: Decimal(100 * n))
    topup_percent = Decimal("0.00")
    daily_bonus_multiplier = Decimal("1.00")


def demo_tiers() -> tuple[VipTier, VipTier, VipTier]:
    """Bronze, Silver and Gold as the demo has them."""
    return (
        VipTierFactory(name="Bronze", slug="bronze", threshold=Decimal("0.00")),
        VipTierFactory(
            name="Silver",
            slug="silver",
            threshold=Decimal("100.00"),
            topup_percent=Decimal("2.00"),
            daily_bonus_multiplier=Decimal("1.50"),
        ),
        VipTierFactory(
            name="Gold",
            slug="gold",
            threshold=Decimal("500.00"),
            topup_percent=Decimal("5.00"),
            daily_bonus_multiplier=Decimal("2.00"),
        ),
    )


def hold_tier(user, tier: VipTier) -> UserTier:
    now = timezone.now()
    return UserTier.objects.update_or_create(
        user=user, defaults={"tier": tier, "since": now, "computed_at": now}
    )[0]
