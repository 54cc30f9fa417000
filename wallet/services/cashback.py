"""The cashback lifecycle: pending → confirmed, or rejected (from pending) / reversed.
(Confirmation, with its referral rewards, lives in confirmation.py; a network's later
amounts, in amendments.py; what a network's later status means, in
config/report_states.py.)

Each step locks the event, checks the move against the table, posts its ledger
transaction (idempotency key per event and step) and records the new state, in one
database transaction.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from functools import cache

from django.db import connection, transaction
from django.utils import timezone

from accounts.services import transition
from accounts.services.own_account import refuse_own_account
from config.errors import Refusal
from config.fast_insert import insert_instance
from config.fast_select import select_row
from config.report_states import Verdict, judge, refusal_detail

from ..models import Account, CashbackEvent
from .amendments import cashback_amend, is_chargeback
from .ledger import Line, ledger_post, platform_account, transfer, user_account

Status = CashbackEvent.Status
NetworkStatus = CashbackEvent.NetworkStatus


class CashbackRefused(Refusal):
    pass


@dataclass(frozen=True)
class ForeignAmounts:
    """A sale reported in another currency: what the network sent and the rate used."""

    currency: str
    sale_amount: Decimal | None
    commission: Decimal
    rate: Decimal


@dataclass(frozen=True)
class AmountReport:
    """The amounts a later report about a known transaction carries, in the platform
    currency; negative ones are a partial chargeback. `cashback_rule(sale, commission)`
    works out the cashback for amounts under the click's terms, at the rate of
    `category_code` that `rate_label` describes (the event states them once it applies)."""

    sale_amount: Decimal | None
    commission: Decimal
    cashback_rule: Callable[[Decimal | None, Decimal], Decimal]
    foreign: ForeignAmounts | None = None
    category_code: str = ""
    rate_label: str = ""
    adjustment_id: str = ""  # the network's id of a chargeback, when it gives one


@dataclass(frozen=True)
class CashbackOutcome:
    event: CashbackEvent
    created: bool
    changed: bool

    @property
    def duplicate(self) -> bool:
        return not self.created and not self.changed


# --- ledger lines ---------------------------------------------------------------------


def _pending_credit(event) -> list[Line]:
    """The sale is reported: we owe the shopper (pending) and the network owes us."""
    user = event.user_id
    return [
        *transfer(
            platform_account(Account.Kind.CASHBACK_EXPENSE, event.currency),
            user_account(user, Account.Kind.PENDING, event.currency),
            event.cashback_amount,
        ),
        *transfer(
            platform_account(Account.Kind.COMMISSION_REVENUE, event.currency),
            platform_account(Account.Kind.NETWORK_RECEIVABLE, event.currency),
            event.commission,
        ),
    ]


def _undo(lines: list[Line]) -> list[Line]:
    return [Line(line.account, -line.amount) for line in lines]


def _confirm_lines(event) -> list[Line]:
    return transfer(
        user_account(event.user_id, Account.Kind.PENDING, event.currency),
        user_account(event.user_id, Account.Kind.AVAILABLE, event.currency),
        event.cashback_amount,
    )


def _reverse_confirmed(event) -> list[Line]:
    """Take confirmed cashback back. Unguarded: if it was spent, the balance goes
    negative and the shopper's next cashback repays it first."""
    return [
        *transfer(
            user_account(event.user_id, Account.Kind.AVAILABLE, event.currency),
            platform_account(Account.Kind.CASHBACK_EXPENSE, event.currency),
            event.cashback_amount,
        ),
        *transfer(
            platform_account(Account.Kind.NETWORK_RECEIVABLE, event.currency),
            platform_account(Account.Kind.COMMISSION_REVENUE, event.currency),
            event.commission,
        ),
    ]


def _post(event, step: str, lines: list[Line], memo: str, actor=None) -> None:
    if not any(line.amount for line in lines):
        return  # a zero-cashback, zero-commission sale moves no money
    ledger_post(
        kind=f"cashback.{step}",
        idempotency_key=f"cashback:{event.pk}:{step}",
        lines=lines,
        memo=memo,
        reference=event.ledger_reference,
        actor=actor,
    )


# --- steps ----------------------------------------------------------------------------


def cashback_record(
    *,
    user_id: int,
    network,
    merchant,
    offer_id: int | None,
    click_uuid,
    txn_id: str,
    sale_amount: Decimal | None,
    commission: Decimal,
    cashback: Decimal,
    currency: str,
    network_status: str | None,
    sale_at: datetime | None = None,
    category_code: str = "",
    rate_label: str = "",
    foreign: ForeignAmounts | None = None,
    cashback_rule: Callable[[Decimal | None, Decimal], Decimal] | None = None,
    adjustment_id: str = "",
    known: bool = False,
) -> CashbackOutcome:
    """Record a network's report of a sale, once per (network, txn_id).

    A first report creates the event and, unless it already says rejected or reversed,
    credits the shopper's pending balance. A later report about the same transaction is
    read by the event's state (cashback_network_update), its amounts applied if they
    changed. Negative amounts charge back part of a known sale: for a transaction we do
    not know they are refused (the sale may still arrive), and nothing is recorded.
    No `network_status`: pending for a first report, no news for a later one. `known`:
    the caller saw the event exists already (a later report), so no INSERT is tried.
    """
    report = (
        AmountReport(
            sale_amount,
            commission,
            cashback_rule,
            foreign,
            category_code,
            rate_label,
            adjustment_id,
        )
        if cashback_rule is not None
        else None
    )
    chargeback = commission < 0 or (sale_amount is not None and sale_amount < 0)
    with transaction.atomic():
        if known or chargeback:
            existing = _locked_event(network.pk, txn_id)
            if existing is not None:
                return _network_update_locked(existing, network_status, report)
            if chargeback:
                raise CashbackRefused(
                    "unknown_transaction",
                    f"Negative amounts charge back a sale, and transaction {txn_id} was never "
                    "reported; send the sale first.",
                )
        first_status = network_status or NetworkStatus.PENDING
        now = timezone.now()
        event = CashbackEvent(
            user_id=user_id,
            network=network,
            merchant=merchant,
            offer_id=offer_id,
            click_uuid=click_uuid,
            external_txn_id=txn_id,
            sale_amount=sale_amount,
            commission=commission,
            cashback_amount=cashback,
            currency=currency,
            sale_at=sale_at or now,
            category_code=category_code,
            rate_label=rate_label,
            original_currency=foreign.currency if foreign else "",
            original_sale_amount=foreign.sale_amount if foreign else None,
            original_commission=foreign.commission if foreign else None,
            fx_rate=foreign.rate if foreign else None,
            status=_initial_status(first_status),
            network_status=first_status,
            auto_confirm=network.confirmation_policy == network.ConfirmationPolicy.AUTO,
            expected_confirmation_at=now + timedelta(days=merchant.confirmation_days),
            network_approved_at=now if first_status == NetworkStatus.APPROVED else None,
        )
        if not insert_instance(event, unless_conflict_on=("network", "external_txn_id")):
            # Reported before (or concurrently: the unique index made us wait for it).
            existing = _locked_event(network.pk, txn_id)
            if existing is None:
                raise CashbackEvent.DoesNotExist(f"{txn_id} conflicted, then vanished")
            return _network_update_locked(existing, network_status, report)
        if event.status == Status.PENDING:
            how = f" ({event.rate_label})" if event.rate_label else ""
            _post(event, "pending", _pending_credit(event), f"Cashback pending: {merchant}{how}")
    return CashbackOutcome(event, created=True, changed=True)


_EVENT_FIELDS = tuple(field.attname for field in CashbackEvent._meta.concrete_fields)


@cache
def _locked_event_read() -> tuple[str, list]:
    meta = CashbackEvent._meta
    selected = ", ".join(meta.get_field(name).column for name in _EVENT_FIELDS)
    sql = (
        f"SELECT {selected} FROM {meta.db_table} "  # noqa: S608 (names from the model)
        "WHERE network_id = %s AND external_txn_id = %s FOR UPDATE"
    )
    if connection.vendor == "sqlite":
        sql = sql.removesuffix(" FOR UPDATE")  # SQLite locks the whole database anyway
    return sql, [(CashbackEvent, meta.get_field(name).name) for name in _EVENT_FIELDS]


def _locked_event(network_id: int, txn_id: str) -> CashbackEvent | None:
    """The event of (network, txn), locked; read by hand, as every later report reads it:
    the ORM compiled this query anew each time."""
    sql, columns = _locked_event_read()
    row = select_row(sql, [network_id, txn_id], columns)
    return None if row is None else CashbackEvent.from_db(connection.alias, _EVENT_FIELDS, row)


def _initial_status(network_status: str) -> str:
    return {
        NetworkStatus.REJECTED: Status.REJECTED,
        NetworkStatus.REVERSED: Status.REVERSED,
    }.get(network_status, Status.PENDING)


def _state(event: CashbackEvent) -> str:
    """The event's row in the report-states table: pending splits on whether the network
    approved it yet."""
    if event.status == Status.PENDING and event.network_status == NetworkStatus.APPROVED:
        return "approved"
    return event.status


def cashback_network_update(
    *, event: CashbackEvent, network_status: str | None, report: AmountReport | None = None
) -> CashbackOutcome:
    """Apply what the network now says about an event it reported before.

    The word is read by the event's state (config/report_states.py): a rejection after
    approval is a reversal, a reversal of a pending sale a rejection, a repeated final word
    a duplicate; anything else is refused and changes nothing. New amounts apply first, if
    the event is live (pending or confirmed) and stays so; a rejected or reversed event
    ignores them. network_status keeps the network's last word, in our vocabulary.
    """
    with transaction.atomic():
        locked = CashbackEvent.objects.select_for_update().get(pk=event.pk)
        return _network_update_locked(locked, network_status, report)


def _network_update_locked(
    event: CashbackEvent, network_status: str | None, report: AmountReport | None
) -> CashbackOutcome:
    """cashback_network_update for an event this transaction holds the lock of."""
    if report is not None:
        is_chargeback(report.sale_amount, report.commission)  # mixed signs: refused first
    network_status = network_status or event.network_status  # no status: no news
    state = _state(event)
    cell = judge(state, network_status, last_said=event.network_status)
    if cell.verdict == Verdict.REFUSE:
        raise CashbackRefused(
            "invalid_transition",
            refusal_detail(txn_id=event.external_txn_id, state=state, reported=network_status),
        )
    amended = (
        report is not None
        and cell.verdict in (Verdict.DUPLICATE, Verdict.APPROVE)
        and event.status in (Status.PENDING, Status.CONFIRMED)
        and cashback_amend(event=event, report=report) is not None
    )
    fields = []
    # A duplicate keeps the word that put the event where it is (a hold after an
    # approval must not read as "not approved" to the confirmation job).
    if cell.verdict != Verdict.DUPLICATE and network_status != event.network_status:
        event.network_status = network_status
        fields.append("network_status")
    if cell.verdict == Verdict.APPROVE:
        event.network_approved_at = timezone.now()
        fields.append("network_approved_at")
    if fields:
        event.save(update_fields=[*fields, "updated_at"])
    reason = f"The network reported it {network_status}."
    if cell.verdict == Verdict.REJECT:
        cashback_reject(event=event, reason=reason)
        event.refresh_from_db()  # moved by the service, not on this copy
    elif cell.verdict == Verdict.REVERSE:
        cashback_reverse(event=event, reason=reason)
        event.refresh_from_db()
    return CashbackOutcome(
        event, created=False, changed=amended or cell.verdict != Verdict.DUPLICATE
    )


def _move(
    event, *, allowed_from: set[str], to: str, stamp: str, reason: str = "", actor=None
) -> bool:
    """Claim the event's move: False if it is not in `allowed_from` any more (another
    worker moved it first)."""
    now = timezone.now()
    return transition(
        event,
        to=to,
        allowed_from=allowed_from,
        actor=actor,
        reason=reason,
        updates={"reason": reason or event.reason, "updated_at": now, stamp: now},
    )


def cashback_reject(*, event: CashbackEvent, reason: str, actor=None) -> bool:
    """Pending → rejected: the pending credit is withdrawn."""
    refuse_own_account(actor=actor, owner_id=event.user_id, doing="reject cashback")
    with transaction.atomic():
        # The amounts as they are now: a network may have changed them since the caller
        # read the event (staff's bulk actions), and the withdrawal must match the credit.
        locked = CashbackEvent.objects.select_for_update().get(pk=event.pk)
        if not _move(
            locked,
            allowed_from={Status.PENDING},
            to=Status.REJECTED,
            stamp="rejected_at",
            reason=reason,
            actor=actor,
        ):
            return False
        _post(locked, "reject", _undo(_pending_credit(locked)), reason, actor)
    return True


def cashback_reverse(*, event: CashbackEvent, reason: str, actor=None) -> bool:
    """Pending or confirmed → reversed, taking back whatever was credited."""
    refuse_own_account(actor=actor, owner_id=event.user_id, doing="reverse cashback")
    with transaction.atomic():
        locked = CashbackEvent.objects.select_for_update().get(pk=event.pk)
        was = locked.status
        if not _move(
            locked,
            allowed_from={Status.PENDING, Status.CONFIRMED},
            to=Status.REVERSED,
            stamp="reversed_at",
            reason=reason,
            actor=actor,
        ):
            return False
        lines = (
            _undo(_pending_credit(locked)) if was == Status.PENDING else _reverse_confirmed(locked)
        )
        _post(locked, "reverse", lines, reason, actor)
    return True
