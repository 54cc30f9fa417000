"""Cashback earned on a purchase: pending at delivery, confirmed after
STORE_CASHBACK_HOLD_DAYS (to be written: the confirm job)."""


def confirm_store_cashback(*, limit: int = 1000) -> int:
    return 0
