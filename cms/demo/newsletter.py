"""Demo: newsletter (to be built)."""


def seed() -> list[str]:
    return []
