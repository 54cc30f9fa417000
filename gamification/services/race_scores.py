"""A race's standings as leaderboard scores (filled by the races feature): a leaderboard
of type `race` shows the race named by its `race_slug`."""

from ..services.ranking import Score


def scores_for_race(race_slug: str) -> list[Score]:
    return []
