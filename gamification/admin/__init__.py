"""Gamification's admin pages, one module per feature."""

from . import (
    points,  # noqa: F401
    tiers,  # noqa: F401
)
