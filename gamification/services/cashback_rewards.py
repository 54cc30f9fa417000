"""What a confirmed cashback earns beyond itself: points (CASHBACK_POINTS_PER_UNIT per
currency unit, rounded down) and the shopper's VIP tier top-up, each once per event
whatever reruns the task (keys `cashback:<event>` and `vip-topup:<event>`)."""

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_FLOOR, Decimal

from django.conf import settings

from config.money import CENT
from wallet.models import CashbackEvent, Transaction

from ..models import Activity, UserTier
from . import bonus_money
from .points import AwardRequest, points_award_many


@dataclass(frozen=True)
class CashbackRewards:
    points_awarded: int
    topups_paid: int


def cashback_points(amount: Decimal) -> int:
    return int((amount * settings.CASHBACK_POINTS_PER_UNIT).to_integral_value(ROUND_FLOOR))


def tier_topup(amount: Decimal, percent: Decimal) -> Decimal:
    # Rounded down: a top-up never pays the fraction of a cent it did not earn.
    return (amount * percent / 100).quantize(CENT, rounding=ROUND_DOWN)


def cashback_rewards(*, event_ids: list[int]) -> CashbackRewards:
    """Points and tier top-ups for these events (only those still confirmed)."""
    events = list(
        CashbackEvent.objects.filter(
            pk__in=event_ids, status=CashbackEvent.Status.CONFIRMED
        ).values_list("pk", "user_id", "cashback_amount")
    )
    awarded = points_award_many(
        [
            AwardRequest(
                user_id=user_id,
                kind=Activity.Kind.CASHBACK,
                points=cashback_points(amount),
                idempotency_key=f"cashback:{pk}",
                reference=f"cashback_event:{pk}",
                description=f"Cashback #{pk} confirmed",
            )
            for pk, user_id, amount in events
        ]
    )
    tiers = {
        held.user_id: held.tier
        for held in UserTier.objects.filter(
            user_id__in={user_id for _, user_id, _ in events}, tier__topup_percent__gt=0
        ).select_related("tier")
    }
    payments = [
        bonus_money.BonusPayment(
            user_id=user_id,
            amount=tier_topup(amount, tiers[user_id].topup_percent),
            kind=bonus_money.VIP_TOPUP,
            idempotency_key=f"vip-topup:{pk}",
            memo=f"{tiers[user_id].name} tier top-up, "
            f"{tiers[user_id].topup_percent.normalize():f}% of cashback #{pk}",
            reference=f"cashback_event:{pk}",
        )
        for pk, user_id, amount in events
        if user_id in tiers
    ]
    # Keys paid before are left out rather than replayed: had the tier changed since, the
    # replay would differ in amount and the ledger would refuse the whole batch.
    paid = set(
        Transaction.objects.filter(
            idempotency_key__in=[p.idempotency_key for p in payments]
        ).values_list("idempotency_key", flat=True)
    )
    postings = bonus_money.pay_bonuses([p for p in payments if p.idempotency_key not in paid])
    return CashbackRewards(points_awarded=awarded, topups_paid=sum(p.created for p in postings))
