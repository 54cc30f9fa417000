"""Scheduled pages and posts going live (to be built)."""


def publish_scheduled() -> int:
    return 0
