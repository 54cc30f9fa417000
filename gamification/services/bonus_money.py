"""Every cash reward gamification pays (daily bonuses, codes, prizes, tier top-ups,
points redeemed) is a transfer from the platform's bonus-expense account to the shopper's
available balance, posted through the wallet's ledger under the caller's idempotency key.
Batches (prizes of a settlement, top-ups of a confirmation run) go through
`ledger_post_many` in one database transaction; a rerun replays the keys it finds and
pays nobody twice.
"""

from collections.abc import Sequence
from decimal import Decimal
from typing import NamedTuple

from config.money import money
from wallet.models import Account
from wallet.services.ledger import (
    Posting,
    PostingRequest,
    ledger_post_many,
    platform_account,
    transfer,
    user_account,
)

# Transaction.kind of gamification's postings, dotted as the wallet's own
# ("referral.bonus"): the statement shows the memo, staff filter by kind.
DAILY_BONUS = "bonus.daily"
BONUS_CODE = "bonus.code"
PRIZE = "bonus.prize"
VIP_TOPUP = "bonus.vip_topup"
POINTS_REDEEMED = "bonus.points"
CHALLENGE = "bonus.challenge"


class BonusPayment(NamedTuple):
    user_id: int
    amount: Decimal
    kind: str
    idempotency_key: str
    # What the shopper's statement says, e.g. "Daily bonus, day 3 of 7".
    memo: str
    reference: str = ""


def _request(payment: BonusPayment, actor=None) -> PostingRequest:
    amount = money(payment.amount)
    lines = transfer(
        platform_account(Account.Kind.BONUS_EXPENSE),
        user_account(payment.user_id, Account.Kind.AVAILABLE),
        amount,
    )
    return PostingRequest(
        payment.kind, payment.idempotency_key, lines, payment.memo, payment.reference, actor
    )


def pay_bonuses(payments: Sequence[BonusPayment], *, actor=None) -> list[Posting]:
    """Pay every positive amount in one ledger transaction; keys posted before replay."""
    requests = [_request(p, actor) for p in payments if p.amount > 0]
    if not requests:
        return []
    return ledger_post_many(requests)


def pay_bonus(payment: BonusPayment, *, actor=None) -> Posting | None:
    postings = pay_bonuses([payment], actor=actor)
    return postings[0] if postings else None
