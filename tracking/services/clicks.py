"""Click-out: the hot path from our page to the store. One SELECT, one INSERT, a 302."""

import uuid
from dataclasses import dataclass
from urllib.parse import quote

from django.db import connection
from django.utils import timezone

from config.fast_insert import insert_row
from offers.models import CashbackTerms, Merchant, Offer
from offers.services.rate_card import click_rates

from ..models import Click, OfferView

# Columns the click-out needs, so the one query it makes stays narrow.
_OFFER_COLUMNS = (
    "id",
    "tracking_url",
    "cashback_type",
    "cashback_value",
    "cashback_max",
    "allowed_countries",
    "allowed_devices",
    "merchant__id",
    "merchant__slug",
    "merchant__tracking_url",
    "merchant__cashback_type",
    "merchant__cashback_value",
    "merchant__cashback_max",
    "merchant__allow_over_commission",
    "merchant__shopper_share",
    "merchant__rate_card",
)
_MERCHANT_COLUMNS = (
    "id",
    "slug",
    "tracking_url",
    "cashback_type",
    "cashback_value",
    "cashback_max",
    "allow_over_commission",
    "shopper_share",
    "rate_card",
)


def offer_for_click(offer_id: int) -> Offer | None:
    return (
        Offer.objects.live()
        .select_related("merchant")
        .only(*_OFFER_COLUMNS)
        .filter(pk=offer_id)
        .first()
    )


def merchant_for_click(slug: str) -> Merchant | None:
    return Merchant.objects.live().only(*_MERCHANT_COLUMNS).filter(slug=slug).first()


def offer_allows(offer: Offer | None, *, country: str, device: str) -> bool:
    """Offers may be limited to countries and devices; an unknown country passes."""
    if offer is None:
        return True
    if offer.allowed_countries and country and country not in offer.allowed_countries:
        return False
    return not (offer.allowed_devices and device and device not in offer.allowed_devices)


@dataclass(frozen=True)
class RecordedClick:
    """What the redirect needs of the click it just wrote."""

    click_id: uuid.UUID
    user_id: int | None


def click_record(
    *,
    merchant: Merchant,
    offer: Offer | None,
    terms: CashbackTerms,
    user_id: int | None,
    ip: str | None,
    user_agent: str,
    device_type: str,
    referrer: str,
    country: str,
) -> RecordedClick:
    click = RecordedClick(click_id=uuid.uuid4(), user_id=user_id)
    insert_row(
        Click,
        {
            "click_id": click.click_id,
            "user": user_id,
            "offer": offer.pk if offer else None,
            "merchant": merchant.pk,
            "cashback_type": terms.type,
            "cashback_value": terms.value,
            "cashback_max": terms.max,
            "cashback_uncapped": terms.uncapped,
            "cashback_share": merchant.shopper_share,
            "rates": click_rates(merchant, offer, timezone.localdate()),
            "ip": ip,
            "user_agent": user_agent,
            "device_type": device_type,
            "referrer": referrer[:512],
            "country": country,
        },
    )
    return click


def destination_url(
    template: str, *, click: RecordedClick, merchant: Merchant, offer: Offer | None
) -> str:
    """The staff-configured tracking URL with our macros filled (and URL-encoded)."""
    values = {
        "click_id": str(click.click_id),
        "user_id": str(click.user_id or ""),
        "offer_id": str(offer.pk if offer else ""),
        "merchant": merchant.slug,
    }
    for name, value in values.items():
        template = template.replace("{" + name + "}", quote(value, safe=""))
    return template


def offer_view_record(*, offer_id: int, user_id: int | None) -> bool:
    """Count a view of an offer's page; False (and nothing written) for an unknown offer.

    One statement that inserts only if the offer exists: foreign keys are checked at
    commit, so a plain insert of a bad id would fail late instead of not at all.
    """
    view, offer = OfferView._meta.db_table, Offer._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {view} (offer_id, user_id, created_at) "  # noqa: S608 (table names)
            f"SELECT %s, %s, %s WHERE EXISTS (SELECT 1 FROM {offer} WHERE id = %s)",
            [offer_id, user_id, timezone.now(), offer_id],
        )
        return cursor.rowcount == 1
