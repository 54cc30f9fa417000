"""Store demo: catalog (to be written)."""


def seed() -> list[str]:
    return []
