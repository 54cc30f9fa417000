"""Gamification's demo data, one module per feature, seeded in this order (tiers first:
the daily bonus multiplier and the leaderboards read them)."""

from . import daily


def seed() -> list[str]:
    lines: list[str] = []
    lines += daily.seed()
    return lines
