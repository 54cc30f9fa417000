"""The store's demo data, one module per feature."""

from . import catalog, orders


def seed() -> list[str]:
    lines: list[str] = []
    lines += catalog.seed()
    lines += orders.seed()
    return lines
