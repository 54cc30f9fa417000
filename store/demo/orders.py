"""Store demo: orders (to be written)."""


def seed() -> list[str]:
    return []
