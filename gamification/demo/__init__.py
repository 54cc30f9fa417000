"""Gamification's demo data, one module per feature, seeded in this order (tiers first:
the daily bonus multiplier and the leaderboards read them)."""

from . import boards, daily, races, tiers


def seed() -> list[str]:
    lines: list[str] = []
    lines += tiers.seed()
    lines += boards.seed()
    lines += races.seed()
    lines += daily.seed()
    return lines
