"""The staff report of top offers and top stores over a window of days, read from the
daily figures (OfferDailyStats, MerchantDailyStats; rolled up every minute) so that it
reads one row per offer and day, never the clicks or the cashback events. Amounts are
in the platform currency; COLUMNS defines each figure for the page, the CSV and the
README alike.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import F, Q, Sum

from config import csv_export
from config.money import money

from .models import Merchant, MerchantDailyStats, Offer, OfferDailyStats

# (column, heading, definition): the page's help text, the README and the CSV header.
COLUMNS = (
    (
        "clicks",
        "Clicks",
        "Click-outs through us on the window's days: to the offer, or for a store to any "
        "of its offers or to the store itself.",
    ),
    (
        "sales",
        "Sales",
        "Sales made on the window's days (the purchase date the network reported) whose "
        "cashback is pending or confirmed. Rejected and reversed sales count nowhere in "
        "this report, in no column.",
    ),
    (
        "approved_sales",
        "Approved sales",
        "Of those sales, the confirmed ones (cashback released to the shopper).",
    ),
    (
        "conversion_rate",
        "Conversion rate",
        "Sales ÷ clicks, as a percentage to two places; blank without clicks.",
    ),
    (
        "average_sale",
        "Average sale",
        "Sale amount ÷ the sales that reported one (some networks report only their "
        "commission); blank when none did.",
    ),
    ("sale_amount", "Sale amount", "The sales' amounts added up."),
    (
        "cashback",
        "Cashback paid",
        "Cashback owed to shoppers for those sales (pending and confirmed).",
    ),
    ("commission", "Network commission", "What the networks pay us for those sales."),
    ("earnings", "Platform earnings", "Network commission minus cashback paid."),
)

# What a list can be ranked by; ties go to more clicks, then the older row.
RANKS = {
    "sales": ("Sales", F("window_sales")),
    "approved_sales": ("Approved sales", F("window_approved")),
    "clicks": ("Clicks", F("window_clicks")),
    "cashback": ("Cashback paid", F("window_cashback")),
    "earnings": ("Platform earnings", F("window_commission") - F("window_cashback")),
}


@dataclass(frozen=True)
class TopRow:
    pk: int
    name: str
    store: str  # the offer's store; empty on a store's own row
    clicks: int
    sales: int
    approved_sales: int
    priced_sales: int
    sale_amount: Decimal
    cashback: Decimal
    commission: Decimal

    @property
    def conversion_rate(self) -> Decimal | None:
        if not self.clicks:
            return None
        return money(Decimal(self.sales) * 100 / self.clicks)

    @property
    def average_sale(self) -> Decimal | None:
        return money(self.sale_amount / self.priced_sales) if self.priced_sales else None

    @property
    def earnings(self) -> Decimal:
        return self.commission - self.cashback


def _sums(model, key: str, start: date, end: date, rank: str, limit: int) -> list[dict]:
    return list(
        model.objects.filter(day__gte=start, day__lte=end)
        .values(key)
        .annotate(
            window_clicks=Sum("clicks"),
            window_sales=Sum("sales"),
            window_approved=Sum("approved_sales"),
            window_priced=Sum("priced_sales"),
            window_amount=Sum("sale_amount"),
            window_cashback=Sum("cashback"),
            window_commission=Sum("commission"),
        )
        .filter(Q(window_clicks__gt=0) | Q(window_sales__gt=0))
        .annotate(ranked_by=RANKS[rank][1])
        .order_by("-ranked_by", "-window_clicks", key)[:limit]
    )


def _row(sums: dict, pk: int, name: str, store: str) -> TopRow:
    return TopRow(
        pk=pk,
        name=name,
        store=store,
        clicks=sums["window_clicks"],
        sales=sums["window_sales"],
        approved_sales=sums["window_approved"],
        priced_sales=sums["window_priced"],
        # SQLite adds decimals up as floats.
        sale_amount=money(sums["window_amount"]),
        cashback=money(sums["window_cashback"]),
        commission=money(sums["window_commission"]),
    )


def top_offers(*, start: date, end: date, rank: str = "sales", limit: int = 50) -> list[TopRow]:
    """Offers over the days start…end (both included), best first."""
    sums = _sums(OfferDailyStats, "offer_id", start, end, rank, limit)
    offers = Offer.objects.select_related("merchant").in_bulk([s["offer_id"] for s in sums])
    return [
        _row(s, pk, offers[pk].title, offers[pk].merchant.name)
        for s in sums
        if (pk := s["offer_id"]) in offers
    ]


def top_stores(*, start: date, end: date, rank: str = "sales", limit: int = 50) -> list[TopRow]:
    """Stores (their store-wide click-outs and sales included) over start…end, best first."""
    sums = _sums(MerchantDailyStats, "merchant_id", start, end, rank, limit)
    stores = Merchant.objects.in_bulk([s["merchant_id"] for s in sums])
    return [_row(s, pk, stores[pk].name, "") for s in sums if (pk := s["merchant_id"]) in stores]


def top_rows_csv(out, rows: list[TopRow], *, offers: bool) -> None:
    """The rows as the page shows them, one per line, through the formula-safe writer
    (offer titles and store names are typed by staff and imported from networks)."""
    writer = csv_export.writer(out)
    names = ["rank", "offer_id", "offer", "store"] if offers else ["rank", "store_id", "store"]
    writer.writerow([*names, *(column for column, _heading, _help in COLUMNS)])
    for place, row in enumerate(rows, start=1):
        who = [place, row.pk, row.name, row.store] if offers else [place, row.pk, row.name]
        figures = [getattr(row, column) for column, _heading, _help in COLUMNS]
        writer.writerow([*who, *("" if value is None else value for value in figures)])
