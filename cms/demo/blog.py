"""Demo: blog (to be built)."""


def seed() -> list[str]:
    return []
