"""Points balances against their rows, in one grouped query each way."""

from typing import NamedTuple

from django.db.models import Q, Sum

from ..models import Activity, PointsBalance


class Mismatch(NamedTuple):
    user_id: int
    cached_balance: int
    cached_lifetime: int
    balance: int
    lifetime: int


def points_mismatches() -> list[Mismatch]:
    sums = {
        row["user_id"]: (row["balance"] or 0, row["lifetime"] or 0)
        for row in Activity.objects.values("user_id").annotate(
            balance=Sum("points"), lifetime=Sum("points", filter=Q(points__gt=0))
        )
    }
    cached = {
        user_id: (balance, lifetime)
        for user_id, balance, lifetime in PointsBalance.objects.values_list(
            "user_id", "balance", "lifetime"
        )
    }
    return [
        Mismatch(user_id, *cached.get(user_id, (0, 0)), *sums.get(user_id, (0, 0)))
        for user_id in sorted(sums.keys() | cached.keys())
        if cached.get(user_id, (0, 0)) != sums.get(user_id, (0, 0))
    ]
