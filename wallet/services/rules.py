from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from config.money import money
from offers.models import CashbackTerms, CashbackType
from offers.services.rate_card import rate_valid_on


@dataclass(frozen=True)
class RateChoice:
    """The cashback rule that applies to one sale, and how the statement describes it."""

    terms: CashbackTerms
    share: Decimal  # percent of the commission paid when the sale amount is unknown
    label: str


def choose_rate(
    *,
    terms: CashbackTerms,
    share: Decimal,
    rates: list[dict],
    category: str,
    sale_date: date,
    has_sale_amount: bool,
    currency: str,
) -> RateChoice:
    """The rate for a sale, decided in one place.

    1. The offer's own terms: the click then kept no category rates (`rates` is empty).
    2. Else the store's category rate whose code is the category the network reported
       (case-insensitive; only the code: our category slugs are our taxonomy, networks
       never see them), among the rates the click kept, valid on the sale date.
    3. Else the store's default, as the click kept it.
    A category rate pays its shopper value with the store's cap and over-commission flag,
    and its own share of a commission reported without a sale amount.
    """
    rate = _category_rate(rates, category, sale_date)
    if rate is not None:
        terms = CashbackTerms(rate["type"], Decimal(rate["value"]), terms.max, terms.uncapped)
        share = Decimal(rate["share"])
    label = _describe(terms, share, has_sale_amount, currency)
    return RateChoice(terms, share, f"{label} ({rate['label']})" if rate else label)


def _category_rate(rates: list[dict], category: str, sale_date: date) -> dict | None:
    category = category.strip().lower()
    if not category:
        return None
    matching = [
        (rate["from"] or "", order, rate)
        for order, rate in enumerate(rates)
        if rate["code"].lower() == category and rate_valid_on(rate, sale_date)
    ]
    # Overlapping rates for one code are a staff slip; the one that started last (then the
    # one added last) wins, as the newest word on that category.
    return max(matching, key=lambda found: found[:2])[2] if matching else None


def _describe(terms: CashbackTerms, share: Decimal, has_sale_amount: bool, currency: str) -> str:
    """ "8% of the sale", "USD 3.00", "50% of the store's commission" (a percentage rate
    on a sale reported without its amount)."""
    if terms.type != CashbackType.PERCENTAGE:
        return f"{currency} {terms.value.quantize(Decimal('0.01'))}"
    if not has_sale_amount:
        return f"{share.normalize():f}% of the store's commission"
    return f"{terms.value.normalize():f}% of the sale"


def cashback_amount(
    *,
    terms: CashbackTerms,
    sale_amount: Decimal | None,
    commission: Decimal,
    share: Decimal = Decimal(0),
) -> Decimal:
    """What a shopper earns on a sale, under the terms snapshotted on their click.

    A percentage of the sale (or a fixed amount), capped by the terms' maximum, and by
    the network's commission unless the terms allow more: the platform never pays out
    more than it earns unless staff said so. A network that reports only its commission
    (no sale amount) pays percentage cashback as `share` percent of that commission.
    Computed exactly, rounded once, at the end.
    """
    if terms.type == CashbackType.PERCENTAGE:
        if sale_amount is None:
            earned = commission * share / Decimal(100)
        else:
            earned = sale_amount * terms.value / Decimal(100)
    else:
        earned = terms.value
    if terms.max is not None:
        earned = min(earned, terms.max)
    if not terms.uncapped:
        earned = min(earned, commission)
    return money(max(earned, Decimal(0)))
