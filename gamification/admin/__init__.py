"""Gamification's admin pages, one module per feature."""

from . import bonus_codes, daily_bonus, points  # noqa: F401
