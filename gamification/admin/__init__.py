"""Gamification's admin pages, one module per feature."""

from . import (  # noqa: F401
    challenges,
    leaderboards,
    points,
    races,
    tiers,
)
