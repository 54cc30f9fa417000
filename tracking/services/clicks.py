"""Click-out: the hot path from our page to the store. The offer's or store's row from
the process's cache (one SELECT when it is not there), one INSERT, a 302."""

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from urllib.parse import quote

from django.db import connection
from django.utils import timezone

from config.fast_insert import insert_row
from config.row_cache import RowCache
from offers.models import CashbackTerms, Merchant, Network, Offer
from offers.services.rate_card import click_rates

from ..models import Click, OfferView


@dataclass(frozen=True)
class MerchantRow:
    """What a click-out needs of a store: no model instance."""

    pk: int
    slug: str
    name: str
    tracking_url: str
    cashback_type: str
    cashback_value: Decimal
    cashback_max: Decimal | None
    allow_over_commission: bool
    shopper_share: Decimal | None
    rate_card: tuple[dict, ...]  # offers.services.rate_card: the store's category rates

    # The model's own rule, read from the row's attributes of the same names: one rule
    # for pages, the API and the click's snapshot.
    cashback_terms = Merchant.cashback_terms


@dataclass(frozen=True)
class OfferRow:
    """What a click-out needs of an offer and its store. The validity window is kept, not
    judged when the row is loaded: an offer ends on time without anything being saved."""

    pk: int
    merchant: MerchantRow
    tracking_url: str
    cashback_type: str
    cashback_value: Decimal | None
    cashback_max: Decimal | None
    allowed_countries: tuple[str, ...]
    allowed_devices: tuple[str, ...]
    starts_at: datetime | None
    ends_at: datetime | None

    def is_live_at(self, now: datetime) -> bool:
        """Offer.objects.live()'s time rule; the rest of it chose the row."""
        return (self.starts_at is None or self.starts_at <= now) and (
            self.ends_at is None or now < self.ends_at
        )

    # The model's own rules, as for MerchantRow.
    cashback_terms = Offer.cashback_terms
    effective_tracking_url = Offer.effective_tracking_url


_MERCHANT_COLUMNS = (
    "id",
    "slug",
    "name",
    "tracking_url",
    "cashback_type",
    "cashback_value",
    "cashback_max",
    "allow_over_commission",
    "shopper_share",
    "rate_card",
)
_OFFER_COLUMNS = (
    "id",
    "tracking_url",
    "cashback_type",
    "cashback_value",
    "cashback_max",
    "allowed_countries",
    "allowed_devices",
    "starts_at",
    "ends_at",
)


def _merchant_row(values) -> MerchantRow:
    *head, rate_card = values
    return MerchantRow(*head, rate_card=tuple(rate_card or ()))


def _offer_row(offer_id: int) -> OfferRow | None:
    """An offer that is live but for its dates (those are checked at each click)."""
    found = (
        Offer.objects.filter(
            pk=offer_id,
            status=Offer.Status.ACTIVE,
            deleted_at__isnull=True,
            merchant__is_active=True,
            merchant__deleted_at__isnull=True,
            merchant__network__status="active",
        )
        .values_list(*_OFFER_COLUMNS, *(f"merchant__{name}" for name in _MERCHANT_COLUMNS))
        .first()
    )
    if found is None:
        return None
    offer, merchant = found[: len(_OFFER_COLUMNS)], found[len(_OFFER_COLUMNS) :]
    pk, tracking_url, cashback_type, value, cap, countries, devices, starts, ends = offer
    return OfferRow(
        pk=pk,
        merchant=_merchant_row(merchant),
        tracking_url=tracking_url,
        cashback_type=cashback_type,
        cashback_value=value,
        cashback_max=cap,
        allowed_countries=tuple(countries or ()),
        allowed_devices=tuple(devices or ()),
        starts_at=starts,
        ends_at=ends,
    )


def _live_merchant_row(slug: str) -> MerchantRow | None:
    found = Merchant.objects.live().filter(slug=slug).values_list(*_MERCHANT_COLUMNS).first()
    return _merchant_row(found) if found else None


# A store's row carries its terms and rate card (MerchantCommission changes rebuild the
# card with an UPDATE of the store, which bumps these): the click snapshots both.
offers_by_id = RowCache("offers", _offer_row, depends_on=(Offer, Merchant, Network))
merchants_by_slug = RowCache("merchants", _live_merchant_row, depends_on=(Merchant, Network))


def offer_for_click(offer_id: int) -> OfferRow | None:
    offer = offers_by_id.get(offer_id)
    return offer if offer is not None and offer.is_live_at(timezone.now()) else None


def merchant_for_click(slug: str) -> MerchantRow | None:
    return merchants_by_slug.get(slug)


def forget_click_out_rows() -> None:
    """Drop this process's offer and store rows (one proved stale) and look again."""
    offers_by_id.forget()
    merchants_by_slug.forget()


def offer_allows(offer: OfferRow | None, *, country: str, device: str) -> bool:
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
    merchant: MerchantRow,
    offer: OfferRow | None,
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
    template: str, *, click: RecordedClick, merchant: MerchantRow, offer: OfferRow | None
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
