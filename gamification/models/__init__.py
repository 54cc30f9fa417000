"""Gamification's tables, one module per feature; this package re-exports them."""

from .challenges import Challenge, ChallengeEntry
from .leaderboards import Leaderboard, LeaderboardEntry, LiveStanding
from .points import Activity, PointsBalance
from .races import ExternalAccount, HistoricalRace, Race, RaceParticipant
from .tiers import UserTier, VipTier

__all__ = [
    "Activity",
    "Challenge",
    "ChallengeEntry",
    "ExternalAccount",
    "HistoricalRace",
    "Leaderboard",
    "LeaderboardEntry",
    "LiveStanding",
    "PointsBalance",
    "Race",
    "RaceParticipant",
    "UserTier",
    "VipTier",
]
