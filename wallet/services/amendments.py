"""A network changes a sale's amounts after reporting it: a modified order (impact.com
brands edit pending sales) or a partial chargeback (negative amounts).

The event takes the new amounts, its cashback is worked out again by the click's rule
from the new totals (never by scaling the old cashback: rounding and caps would drift),
and the difference goes through the ledger: a pending event's pending credit is adjusted;
a confirmed one gets an adjustment posting on the shopper's available balance, unguarded
like a reversal (spent money leaves it negative; later cashback repays it). Each applied
change is a CashbackAmendment row the statement and the admin explain it from.

Idempotent on (transaction, amounts), as networks resend: amounts this transaction has
carried before (its first report's, or any applied change's) are a repeat, so a late
retry of the original report, or a report re-read by the next sync, never undoes a change;
a chargeback (whose result depends on what it is applied to) is keyed on the amounts it
reports, so a network retrying it takes it once. The price: a store that really changes
an order back to amounts it had before (A → B → A) is read as a repeat, and two distinct
chargebacks of exactly the same amounts as one; networks report those as new totals,
which apply.

The caller holds the event's row lock (cashback_network_update), which serialises
amendments, status moves and the confirmation job (it skips locked events and reads the
amount after locking), so a confirmation never credits a stale amount.
"""

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING

from config.errors import Refusal
from config.money import money

from ..models import Account, CashbackAmendment, CashbackEvent
from .ledger import Line, ledger_post, platform_account, transfer, user_account

if TYPE_CHECKING:
    from .cashback import AmountReport

ZERO = Decimal("0.00")
Kind = CashbackAmendment.Kind


class MixedAmountSigns(Refusal):
    """A report that lowers one amount and raises the other is neither new totals nor a
    chargeback: refused rather than guessed."""

    code = "mixed_amount_signs"


def is_chargeback(sale_amount: Decimal | None, commission: Decimal) -> bool:
    """Negative amounts are a partial chargeback (zero beside them: that amount did not
    change). Refuses a report mixing a negative and a positive amount."""
    amounts = [amount for amount in (sale_amount, commission) if amount is not None]
    negative = any(amount < 0 for amount in amounts)
    if negative and any(amount > 0 for amount in amounts):
        raise MixedAmountSigns(
            detail="A chargeback reports negative amounts only (0 for one that did not "
            "change); new totals are all zero or more.",
            field="commission",
        )
    return negative


def _after_chargeback(current: Decimal | None, taken: Decimal | None) -> Decimal | None:
    if current is None or taken is None:
        return current  # no sale amount known, or none charged back
    return max(ZERO, current + taken)


def _new_amounts(
    event: CashbackEvent, report: "AmountReport"
) -> tuple[str, Decimal | None, Decimal]:
    """The kind of change and the event's amounts after it."""
    if is_chargeback(report.sale_amount, report.commission):
        return (
            Kind.CHARGEBACK,
            _after_chargeback(event.sale_amount, report.sale_amount),
            _after_chargeback(event.commission, report.commission),
        )
    # No sale amount in the report: not reported, the current one stands.
    sale = event.sale_amount if report.sale_amount is None else report.sale_amount
    return Kind.CHANGE, sale, report.commission


def _key(event: CashbackEvent, kind: str, report: "AmountReport", sale, commission) -> str:
    if kind == Kind.CHARGEBACK and report.adjustment_id:
        # The network names each correction (CJ's commissionId): two returns of the same
        # amounts are two chargebacks, a retry of one is a repeat.
        return f"cashback:{event.pk}:chargeback:id:{report.adjustment_id}"
    if kind == Kind.CHARGEBACK:
        return f"cashback:{event.pk}:chargeback:{report.sale_amount}:{report.commission}"
    return f"cashback:{event.pk}:amounts:{sale}:{commission}"


def _seen_before(event: CashbackEvent, kind: str, key: str, sale, commission) -> bool:
    """The transaction carried these amounts before: applied as a change (its key), or in
    its first report (the first change's "before", or the event's own if none). New
    totals are also a repeat of the totals any earlier change left, a chargeback's too;
    a chargeback is keyed on what it takes (its result depends on what it applies to)."""
    if CashbackAmendment.objects.filter(idempotency_key=key).exists():
        return True
    if (
        kind == Kind.CHANGE
        and event.amendments.filter(sale_amount_after=sale, commission_after=commission).exists()
    ):
        return True
    first = (
        event.amendments.order_by("pk")
        .values_list("sale_amount_before", "commission_before")
        .first()
    )
    return first == (sale, commission)


def _money_lines(event: CashbackEvent, cashback_delta: Decimal, commission_delta: Decimal):
    """The difference, on the account the cashback sits in now."""
    held = (
        Account.Kind.AVAILABLE
        if event.status == CashbackEvent.Status.CONFIRMED
        else Account.Kind.PENDING
    )
    return [
        *transfer(
            platform_account(Account.Kind.CASHBACK_EXPENSE, event.currency),
            user_account(event.user_id, held, event.currency),
            cashback_delta,
        ),
        *transfer(
            platform_account(Account.Kind.COMMISSION_REVENUE, event.currency),
            platform_account(Account.Kind.NETWORK_RECEIVABLE, event.currency),
            commission_delta,
        ),
    ]


def _memo(amendment: CashbackAmendment, merchant: str) -> str:
    what = (
        f"{merchant} charged back part of the order"
        if amendment.kind == Kind.CHARGEBACK
        else f"{merchant} changed the order"
    )
    if amendment.sale_amount_before is not None and amendment.sale_amount_after is not None:
        amounts = f"{amendment.sale_amount_before} → {amendment.sale_amount_after}"
    else:
        amounts = f"commission {amendment.commission_before} → {amendment.commission_after}"
    return f"{what}: {amounts}, cashback {amendment.cashback_before} → {amendment.cashback_after}"


def _foreign_after(event: CashbackEvent, kind: str, report: "AmountReport") -> dict:
    """The originally reported amounts, kept beside ours for a sale in another currency."""
    foreign = report.foreign
    if foreign is None or foreign.currency != event.original_currency:
        return {}
    if kind == Kind.CHARGEBACK:
        return {
            "original_sale_amount": _after_chargeback(
                event.original_sale_amount, foreign.sale_amount
            ),
            "original_commission": _after_chargeback(event.original_commission, foreign.commission),
        }
    sale = event.original_sale_amount if foreign.sale_amount is None else foreign.sale_amount
    return {"original_sale_amount": sale, "original_commission": foreign.commission}


def _rate_after(report: "AmountReport") -> dict:
    if not report.rate_label:
        return {}  # a caller that did not say which rate its rule applies
    return {"category_code": report.category_code, "rate_label": report.rate_label}


def cashback_amend(
    *,
    event: CashbackEvent,
    report: "AmountReport",
) -> CashbackAmendment | None:
    """Apply `report`'s amounts to a pending or confirmed `event` whose row the caller
    has locked. None when they change nothing (a repeat)."""
    kind, sale, commission = _new_amounts(event, report)
    if (sale, commission) == (event.sale_amount, event.commission):
        return None  # the same amounts again (every plain repeat of a postback)
    key = _key(event, kind, report, sale, commission)
    if _seen_before(event, kind, key, sale, commission):
        return None  # a resent report: applied before, or the transaction's first amounts
    rule: Callable[[Decimal | None, Decimal], Decimal] = report.cashback_rule
    cashback = money(rule(sale, commission))
    amendment = CashbackAmendment.objects.create(
        event=event,
        kind=kind,
        idempotency_key=key,
        reported_sale_amount=report.sale_amount,
        reported_commission=report.commission,
        sale_amount_before=event.sale_amount,
        sale_amount_after=sale,
        commission_before=event.commission,
        commission_after=commission,
        cashback_before=event.cashback_amount,
        cashback_after=cashback,
        event_status=event.status,
    )
    lines: list[Line] = _money_lines(
        event, cashback - event.cashback_amount, commission - event.commission
    )
    if lines:  # a change the caps absorb (cashback and commission unchanged) moves nothing
        ledger_post(
            kind="cashback.amend",
            idempotency_key=f"cashback:{event.pk}:amend:{amendment.pk}",
            lines=lines,
            memo=_memo(amendment, event.merchant.name)[:255],
            reference=event.ledger_reference,
        )
    changes = {
        "sale_amount": sale,
        "commission": commission,
        "cashback_amount": cashback,
        **_foreign_after(event, kind, report),
        # The rate the new cashback was worked out by (a later report may name another
        # category than its sale's): the statement says what was paid.
        **_rate_after(report),
    }
    for field, value in changes.items():
        setattr(event, field, value)
    event.save(update_fields=[*changes, "updated_at"])
    return amendment
