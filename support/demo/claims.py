"""Filled in by its feature."""


def seed() -> list[str]:
    return []
