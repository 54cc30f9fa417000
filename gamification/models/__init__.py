"""Gamification's tables, one module per feature; this package re-exports them."""

from .points import Activity, PointsBalance
from .tiers import UserTier, VipTier

__all__ = ["Activity", "PointsBalance", "UserTier", "VipTier"]
