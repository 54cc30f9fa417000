"""What a shopper sees of their points: balance, lifetime and recent rows."""

from dataclasses import dataclass

from ..models import Activity
from .points import points_balance

# Corrections name no colleague: the shopper sees who as the company.
STAFF_NAME = "SaveBucks staff"


@dataclass(frozen=True)
class PointsSummary:
    balance: int
    lifetime: int
    activities: list[Activity]


def points_summary(*, user, limit: int = 20) -> PointsSummary:
    balance, lifetime = points_balance(user)
    rows = list(Activity.objects.filter(user_id=user.pk).order_by("-created_at", "-id")[:limit])
    return PointsSummary(balance, lifetime, rows)


def shown_actor(activity: Activity) -> str:
    return STAFF_NAME if activity.actor_id else ""
