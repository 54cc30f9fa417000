"""What race pages and the races API show: a race's prizes, top of the standings and the
caller's own place, in a fixed number of queries however many take part."""

from dataclasses import dataclass
from decimal import Decimal

from accounts.models import User

from .models import HistoricalRace, Race, RaceParticipant
from .services.races import race_prizes, standings_name

TOP = 100
CHART_LINES = 5


@dataclass(frozen=True)
class Entry:
    rank: int
    name: str
    score: Decimal
    prize: Decimal
    user_id: int


def race_prize_rows(race: Race) -> list[dict]:
    """[{"rank": 1, "amount": …}], best rank first."""
    return [{"rank": r, "amount": amount} for r, amount in sorted(race_prizes(race).items())]


def race_top(race: Race, viewer, limit: int = TOP) -> list[Entry]:
    rows = (
        RaceParticipant.objects.filter(race=race, rank__isnull=False)
        .select_related("user")
        .order_by("rank", "reached_at", "id")[:limit]
    )
    return [
        Entry(row.rank, standings_name(row.user, viewer), row.total, row.prize, row.user_id)
        for row in rows
    ]


def race_me(race: Race, viewer) -> RaceParticipant | None:
    if not getattr(viewer, "is_authenticated", False):
        return None
    return RaceParticipant.objects.filter(race=race, user=viewer).first()


def race_chart(race: Race, viewer) -> list[dict]:
    """The top participants' history as chart lines: [{"label", "points": [{x, y}]}]."""
    rows = (
        RaceParticipant.objects.filter(race=race, rank__isnull=False)
        .select_related("user")
        .order_by("rank", "reached_at", "id")[:CHART_LINES]
    )
    return [
        {
            "label": standings_name(row.user, viewer),
            "points": [{"x": point["at"], "y": point["total"]} for point in row.history],
        }
        for row in rows
    ]


def archives_for_page(viewer, limit: int = 50, shown: int = 10) -> list[HistoricalRace]:
    """The latest archives, each with `top`: its first `shown` rows named as the shoppers
    want to be seen *now* (one query for all names). The stored name is only a fallback:
    a shopper who hides themselves or changes name after a race is hidden there too."""
    archives = list(HistoricalRace.objects.order_by("-ends_at", "-id")[:limit])
    user_ids = {row.get("user_id") for a in archives for row in a.standings[:shown]}
    users = User.objects.in_bulk([pk for pk in user_ids if pk is not None])
    for archive in archives:
        archive.top = [
            {
                **row,
                "name": standings_name(users[row["user_id"]], viewer)
                if row.get("user_id") in users
                else row.get("name", ""),
            }
            for row in archive.standings[:shown]
        ]
    return archives
