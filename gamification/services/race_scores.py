"""A race's standings as leaderboard scores (filled by the races feature): a leaderboard
of type `race` shows the race named by its `race_slug`."""

from ..models import RaceParticipant
from ..services.ranking import Score


def scores_for_race(race_slug: str) -> list[Score]:
    """Everyone at or above the race's minimum, with the time they reached their total."""
    rows = RaceParticipant.objects.filter(race__slug=race_slug, rank__isnull=False).values_list(
        "user_id", "total", "reached_at", "joined_at", "pk"
    )
    return [
        Score(user_id, total, (reached_at or joined_at, pk))
        for user_id, total, reached_at, joined_at, pk in rows
    ]
