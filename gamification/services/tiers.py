"""VIP tiers: which tier each shopper holds (recomputed nightly, set-based), what it pays
on top of a confirmed cashback, and what it multiplies the daily bonus by."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from accounts.models import User
from config.money import money
from support.models import Category
from support.services import notify
from wallet.models import CashbackEvent

from ..models import UserTier, VipTier

WINDOW = timedelta(days=365)
# The Rewards page (another feature's view) shows the tier panel.
REWARDS_URL = "/rewards/"


def daily_bonus_multiplier(user) -> Decimal:
    """The shopper's current tier's daily-bonus multiplier; 1 without a tier."""
    found = (
        UserTier.objects.filter(user_id=user.pk)
        .values_list("tier__daily_bonus_multiplier", flat=True)
        .first()
    )
    return found or Decimal("1")


def _confirmed_since(now):
    return CashbackEvent.objects.filter(
        status=CashbackEvent.Status.CONFIRMED, confirmed_at__gte=now - WINDOW
    )


def tier_for(total: Decimal, tiers: list[VipTier]) -> VipTier | None:
    """The highest tier whose threshold `total` reaches (`tiers` by threshold, ascending)."""
    reached = None
    for tier in tiers:
        if total >= tier.threshold:
            reached = tier
    return reached


@dataclass(frozen=True)
class RecomputeReport:
    shoppers: int
    changed: int


def recompute_tiers(*, now=None) -> RecomputeReport:
    """Every shopper's tier from one GROUP BY of the trailing year's confirmed cashback:
    shoppers with cashback in the window, or holding a tier (they may fall out of it).
    Only changed rows are written (one statement per tier), and their shoppers told."""
    now = now or timezone.now()
    tiers = list(VipTier.objects.order_by("threshold"))
    by_id = {tier.pk: tier for tier in tiers}
    totals = dict(
        _confirmed_since(now)
        .order_by()
        .values("user_id")
        .annotate(total=Sum("cashback_amount"))
        .values_list("user_id", "total")
    )
    with transaction.atomic():
        held = dict(UserTier.objects.select_for_update().values_list("user_id", "tier_id"))
        moves: dict[int | None, list[int]] = {}
        for user_id in totals.keys() | held.keys():
            tier = tier_for(totals.get(user_id, Decimal("0")), tiers)
            tier_id = tier.pk if tier else None
            if tier_id != held.get(user_id):
                moves.setdefault(tier_id, []).append(user_id)
        for tier_id, user_ids in moves.items():
            _move(tier_id, user_ids, held, now)
        UserTier.objects.update(computed_at=now)
        changed = {user_id: by_id.get(tier_id) for tier_id, ids in moves.items() for user_id in ids}
        transaction.on_commit(lambda: _tell(changed, {u: by_id.get(t) for u, t in held.items()}))
    return RecomputeReport(shoppers=len(totals.keys() | held.keys()), changed=len(changed))


def _move(tier_id: int | None, user_ids: list[int], held: dict, now) -> None:
    if tier_id is None:
        UserTier.objects.filter(user_id__in=user_ids).delete()
        return
    UserTier.objects.filter(user_id__in=[u for u in user_ids if u in held]).update(
        tier_id=tier_id, since=now, computed_at=now
    )
    UserTier.objects.bulk_create(
        UserTier(user_id=u, tier_id=tier_id, since=now, computed_at=now)
        for u in user_ids
        if u not in held
    )


def _tell(changed: dict[int, VipTier | None], before: dict[int, VipTier | None]) -> None:
    users = User.objects.filter(pk__in=list(changed), deleted_at__isnull=True).in_bulk()
    for user_id, tier in changed.items():
        user = users.get(user_id)
        if user is None:
            continue
        was = before.get(user_id)
        if tier is None:
            title, body = "Your VIP tier has ended", f"You were {was.name}."
        elif was is None or tier.threshold > was.threshold:
            title, body = f"You reached {tier.name}", _perks(tier)
        else:
            title, body = f"Your VIP tier is now {tier.name}", _perks(tier)
        notify(
            user=user,
            category=Category.REWARDS,
            title=title,
            body=body,
            url=REWARDS_URL,
            key=f"tier:{user_id}:{tier.pk if tier else 'none'}:{timezone.now().date()}",
        )


def _perks(tier: VipTier) -> str:
    return (
        f"{tier.topup_percent.normalize():f}% top-up on confirmed cashback, daily bonus times "
        f"{tier.daily_bonus_multiplier.normalize():f}."
    )


@dataclass(frozen=True)
class TierStatus:
    tier: VipTier | None
    next_tier: VipTier | None
    progress: Decimal
    next_threshold: Decimal | None

    @property
    def percent(self) -> int:
        """How far from the current tier's threshold to the next one, 0 to 100."""
        if self.next_tier is None:
            return 100
        floor = self.tier.threshold if self.tier else Decimal("0")
        span = self.next_tier.threshold - floor
        if span <= 0:
            return 100
        return max(0, min(100, int((self.progress - floor) * 100 / span)))

    @property
    def reached(self) -> bool:
        """The next tier's threshold is met already: the nightly recompute moves them up
        (or, with no cashback yet, their first confirmed cashback does)."""
        return self.next_tier is not None and self.progress >= self.next_threshold


def tier_status(*, user, now=None) -> TierStatus:
    """The shopper's tier (as last recomputed), the next one up and their live progress."""
    now = now or timezone.now()
    held = UserTier.objects.filter(user_id=user.pk).select_related("tier").first()
    tier = held.tier if held else None
    progress = money(
        _confirmed_since(now)
        .filter(user_id=user.pk)
        .aggregate(total=Sum("cashback_amount"))["total"]
        or 0
    )
    above = VipTier.objects.order_by("threshold")
    if tier is not None:
        above = above.filter(threshold__gt=tier.threshold)
    next_tier = above.first()
    return TierStatus(tier, next_tier, progress, next_tier.threshold if next_tier else None)
