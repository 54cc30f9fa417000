"""Gamification's tables, one module per feature; this package re-exports them."""

from .bonus_codes import BonusCode, BonusCodeRedemption
from .challenges import Challenge, ChallengeEntry
from .daily_bonus import DailyBonusClaim, DailyBonusDay
from .leaderboards import Leaderboard, LeaderboardEntry, LiveStanding
from .points import Activity, PointsBalance
from .races import ExternalAccount, HistoricalRace, Race, RaceParticipant
from .tiers import UserTier, VipTier

__all__ = [
    "Activity",
    "BonusCode",
    "BonusCodeRedemption",
    "Challenge",
    "ChallengeEntry",
    "DailyBonusClaim",
    "DailyBonusDay",
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
