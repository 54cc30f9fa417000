"""Gamification's admin pages, one module per feature."""

from . import (  # noqa: F401
    bonus_codes,
    challenges,
    daily_bonus,
    leaderboards,
    points,
    races,
    tiers,
    verification_requests,
)
