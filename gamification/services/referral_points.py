"""REFERRAL_POINTS to the referrer when a referral becomes active, once per referral."""

from django.conf import settings

from accounts.models import Referral

from ..models import Activity
from .points import AwardRequest, points_award_many


def referral_points(*, referral_ids: list[int]) -> int:
    """Award the referrers of these (active) referrals; returns how many were new."""
    rows = Referral.objects.filter(pk__in=referral_ids, status=Referral.Status.ACTIVE)
    return points_award_many(
        [
            AwardRequest(
                user_id=referrer_id,
                kind=Activity.Kind.REFERRAL,
                points=settings.REFERRAL_POINTS,
                idempotency_key=f"referral:{pk}",
                reference=f"referral:{pk}",
                description="A friend you referred became active",
            )
            for pk, referrer_id in rows.values_list("pk", "referrer_id")
        ]
    )
