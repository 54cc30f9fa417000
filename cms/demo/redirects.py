"""Demo: redirects (to be built)."""


def seed() -> list[str]:
    return []
