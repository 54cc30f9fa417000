from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from config.money import money
from offers.models import CashbackTerms, CashbackType


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
    currency: str,
) -> RateChoice:
    """The rate for a sale, decided in one place: the terms the click snapshotted (an
    offer's own, or the store's default), unless the click's snapshot of the store's
    category rates has one for the reported category valid on the sale date."""
    # TODO(rates helper): match `category` against the snapshot (see offers rate card).
    return RateChoice(terms, share, terms.describe(currency))


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
