"""A store's category rates as a click snapshots them.

`Merchant.rate_card` holds the store's active category rates that carry a code (only those
can match a reported category), with their validity, as plain JSON. It is rebuilt whenever
a rate changes (offers.receivers), so the click-out copies it from the merchant row it
reads anyway; `rates_valid_on` keeps the ones valid on the click's day.
"""

from datetime import date
from decimal import Decimal

from django.db import transaction

from config.row_cache import rows_changed

from ..models import Merchant, MerchantCommission, Offer


def rate_card_build(merchant_id: int) -> list[dict]:
    rates = MerchantCommission.objects.filter(merchant_id=merchant_id, is_active=True).exclude(
        code=""
    )
    return [
        {
            "code": rate.code.strip().lower(),  # as a reported category is read
            "label": rate.label,
            "type": rate.commission_type,
            "value": _plain(rate.shopper_value),
            "share": _plain(rate.shopper_share),
            "from": rate.valid_from.isoformat() if rate.valid_from else None,
            "until": rate.valid_until.isoformat() if rate.valid_until else None,
        }
        for rate in rates.order_by("code", "pk")
    ]


def _plain(number: Decimal) -> str:
    """ "8", "7.5": exact, without the trailing zeros of the column's scale."""
    return f"{number.normalize():f}"


def rate_card_refresh(merchant_id: int) -> None:
    """Rebuild one store's card from its rates. The store row is locked first, so that two
    rate changes committing at once cannot leave the card of the one read earlier. NO KEY
    UPDATE, like the UPDATE itself: a plain FOR UPDATE would wait on the key-share lock a
    concurrent rate insert holds on the store, and two such inserts would deadlock."""
    with transaction.atomic():
        locked = Merchant.objects.select_for_update(no_key=True).filter(pk=merchant_id)
        if locked.values_list("pk", flat=True).first() is not None:
            locked.update(rate_card=rate_card_build(merchant_id))
            rows_changed(Merchant)  # the click-out snapshots the card from its cached row


def rate_cards_rebuild() -> int:
    """Rebuild every store's card (after a fixture load or a raw SQL fix); how many."""
    merchant_ids = list(Merchant.objects.order_by("pk").values_list("pk", flat=True))
    for merchant_id in merchant_ids:
        rate_card_refresh(merchant_id)
    return len(merchant_ids)


def rate_valid_on(rate: dict, day: date) -> bool:
    day_text = day.isoformat()  # ISO dates compare as strings
    return (rate["from"] is None or rate["from"] <= day_text) and (
        rate["until"] is None or day_text <= rate["until"]
    )


def rates_valid_on(card: list[dict], day: date) -> list[dict]:
    return [rate for rate in card if rate_valid_on(rate, day)]


def click_rates(merchant: Merchant, offer: Offer | None, day: date) -> list[dict]:
    """The category rates a click keeps: none when the offer has terms of its own (an
    offer's terms always win), else the store's valid on the click's day."""
    if offer is not None and offer.cashback_type:
        return []
    return rates_valid_on(merchant.rate_card, day)


def shopper_value(rate: dict) -> Decimal:
    return Decimal(rate["value"])
