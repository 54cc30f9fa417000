"""Support's demo data, one module per feature."""

from . import claims, tickets


def seed() -> list[str]:
    lines: list[str] = []
    lines += tickets.seed()
    lines += claims.seed()
    return lines
