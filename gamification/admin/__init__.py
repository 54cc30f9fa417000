"""Gamification's admin pages, one module per feature."""

from . import (
    leaderboards,  # noqa: F401
    points,  # noqa: F401
)
