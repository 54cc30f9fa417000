"""Gamification's tables, one module per feature; this package re-exports them."""

from .leaderboards import Leaderboard, LeaderboardEntry, LiveStanding
from .points import Activity, PointsBalance

__all__ = [
    "Activity",
    "Leaderboard",
    "LeaderboardEntry",
    "LiveStanding",
    "PointsBalance",
]
