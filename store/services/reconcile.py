"""Nightly: pending gateway payments compared with the provider (to be written)."""


def reconcile_payments() -> dict:
    return {"checked": 0}
