from decimal import Decimal

from config.money import money
from offers.models import CashbackTerms, CashbackType


def cashback_amount(*, terms: CashbackTerms, sale_amount: Decimal, commission: Decimal) -> Decimal:
    """What a shopper earns on a sale, under the terms snapshotted on their click.

    A percentage of the sale (or a fixed amount), capped by the terms' maximum, and by
    the network's commission unless the terms allow more: the platform never pays out
    more than it earns unless staff said so. Computed exactly, rounded once, at the end.
    """
    if terms.type == CashbackType.PERCENTAGE:
        earned = sale_amount * terms.value / Decimal(100)
    else:
        earned = terms.value
    if terms.max is not None:
        earned = min(earned, terms.max)
    if not terms.uncapped:
        earned = min(earned, commission)
    return money(max(earned, Decimal(0)))
