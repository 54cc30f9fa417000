"""Gamification's tables, one module per feature; this package re-exports them."""

from .points import Activity, PointsBalance

__all__ = ["Activity", "PointsBalance"]
