"""Gamification's tables, one module per feature; this package re-exports them."""

from .bonus_codes import BonusCode, BonusCodeRedemption
from .daily_bonus import DailyBonusClaim, DailyBonusDay
from .points import Activity, PointsBalance

__all__ = [
    "Activity",
    "BonusCode",
    "BonusCodeRedemption",
    "DailyBonusClaim",
    "DailyBonusDay",
    "PointsBalance",
]
