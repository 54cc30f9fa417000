"""Confirming cashback: pending → available, set-based and in batches.

Due: the network approved it, or the merchant's lock period has passed under an
auto-confirm policy. Each batch is one database transaction that claims its events
(locked, skipping ones another worker holds), marks them confirmed, posts all their
ledger transactions in bulk and pays referral rewards. A worker killed half-way loses
only its open batch, which rolls back; the next run picks those events up again, and
the idempotency keys make sure nobody is ever credited twice.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from accounts.models import Referral
from accounts.services.own_account import refuse_own_account
from accounts.services.referrals import referrals_credit
from accounts.services.transitions import transition, transition_claimed
from config.money import money
from config.sql_arrays import any_of

from ..models import Account, CashbackEvent
from ..signals import cashback_confirmed
from .cashback import _confirm_lines
from .ledger import PostingRequest, ledger_post_many, platform_account, transfer, user_account

ZERO = Decimal("0.00")
Status = CashbackEvent.Status


@dataclass
class ConfirmReport:
    confirmed: int = 0
    amount: Decimal = ZERO
    batches: int = 0
    referral_rewards: int = 0
    event_ids: list[int] = field(default_factory=list, repr=False)


def due_events(now):
    return CashbackEvent.objects.filter(status=Status.PENDING).filter(
        Q(network_status=CashbackEvent.NetworkStatus.APPROVED)
        | Q(auto_confirm=True, expected_confirmation_at__lte=now)
    )


def cashback_confirm_due(
    *, now=None, limit: int | None = None, batch_size: int = 500, dry_run: bool = False
) -> ConfirmReport:
    """Confirm every due event (or `limit` of them), `batch_size` per transaction."""
    now = now or timezone.now()
    report = ConfirmReport()
    if dry_run:
        due = due_events(now).order_by("pk")
        ids = list(
            due.values_list("pk", flat=True)[:limit] if limit else due.values_list("pk", flat=True)
        )
        totals = CashbackEvent.objects.filter(pk__in=ids).aggregate(
            n=Count("pk"), total=Sum("cashback_amount")
        )
        report.confirmed, report.amount = totals["n"], money(totals["total"] or ZERO)
        return report
    while limit is None or report.confirmed < limit:
        size = batch_size if limit is None else min(batch_size, limit - report.confirmed)
        events, rewards = _confirm_batch(now, size)
        if not events:
            break
        report.batches += 1
        report.confirmed += len(events)
        report.amount += sum((e.cashback_amount for e in events), ZERO)
        report.referral_rewards += rewards
        report.event_ids += [e.pk for e in events]
    return report


# What confirming needs of an event, as plain rows (named tuples): a batch has thousands,
# and a model instance each cost more than the SQL that moves their money.
EVENT_COLUMNS = ("pk", "user_id", "cashback_amount", "currency", "sale_at")


def _rows(events):
    return list(events.values_list(*EVENT_COLUMNS, named=True))


def _confirm_batch(now, size: int) -> tuple[list, int]:
    with transaction.atomic():
        events = _rows(due_events(now).select_for_update(skip_locked=True).order_by("pk")[:size])
        if not events:
            return [], 0
        transition_claimed(
            CashbackEvent,
            [e.pk for e in events],
            was=Status.PENDING,
            to=Status.CONFIRMED,
            reason="Confirmation period over.",
            # updated_at is when the row really changed, not when the run began: the
            # daily figures (tracking.services.offer_stats) recount the days of events
            # changed since their last run, and a long run's later batches would be
            # dated before it.
            updates={"confirmed_at": now, "updated_at": timezone.now()},
        )
        rewards = confirm_locked_events(events, now)
    return events, rewards


def cashback_confirm(*, event: CashbackEvent, actor=None) -> bool:
    """Confirm one event now (staff), exactly as the job would; False if not pending."""
    refuse_own_account(actor=actor, owner_id=event.user_id, doing="confirm cashback")
    now = timezone.now()
    with transaction.atomic():
        if not transition(
            event,
            to=Status.CONFIRMED,
            allowed_from={Status.PENDING},
            actor=actor,
            reason="Confirmed by staff.",
            updates={"confirmed_at": now, "updated_at": now},
        ):
            return False
        confirm_locked_events(_rows(CashbackEvent.objects.filter(pk=event.pk)), now, actor=actor)
    return True


def confirm_locked_events(events: list, now, actor=None) -> int:
    """Post the money of events (rows of EVENT_COLUMNS) this transaction has just moved to
    confirmed, and the referral rewards they trigger; tell their shoppers after commit.
    Returns how many referral rewards were paid."""
    postings = [
        PostingRequest(
            "cashback.confirm",
            f"cashback:{event.pk}:confirm",
            _confirm_lines(event),
            "Cashback confirmed",
            f"cashback_event:{event.pk}",  # CashbackEvent.ledger_reference
            actor,
        )
        for event in events
        if event.cashback_amount
    ]
    rewards = _referral_rewards(events, now)
    ledger_post_many(postings + rewards)
    ids = [event.pk for event in events]
    transaction.on_commit(lambda: cashback_confirmed.send(CashbackEvent, event_ids=ids))
    return len(rewards)


def _bonus(referral: Referral, to_user_id: int, amount: Decimal, step: str) -> PostingRequest:
    return PostingRequest(
        kind="referral.bonus",
        idempotency_key=f"referral:{referral.pk}:{step}",
        lines=transfer(
            platform_account(Account.Kind.BONUS_EXPENSE),
            user_account(to_user_id, Account.Kind.AVAILABLE),
            amount,
        ),
        memo="Referral bonus",
        reference=f"referral:{referral.pk}",
    )


def _referral_rewards(events: list, now) -> list[PostingRequest]:
    """A referrer earns the configured bonus when their friend's first cashback confirms
    (and, if configured, the friend a welcome bonus), plus optionally a share of the
    friend's cashback on what they buy in their first N days."""
    by_user: dict[int, list] = defaultdict(list)
    for event in events:
        if event.cashback_amount > 0:  # a sale charged back to nothing earns no one a bonus
            by_user[event.user_id].append(event)
    referrals = Referral.objects.select_for_update().filter(
        referred_id__in=any_of(by_user, "bigint"),
        status__in=[Referral.Status.PENDING, Referral.Status.ACTIVE],
    )
    postings, earned, activated = [], {}, []
    share = settings.REFERRAL_SHARE_PERCENT
    share_until = timedelta(days=settings.REFERRAL_SHARE_DAYS)
    for referral in referrals.order_by("pk"):
        total = ZERO
        if referral.status == Referral.Status.PENDING:
            activated.append(referral.pk)
            if settings.REFERRAL_BONUS_REFERRER:
                bonus = money(settings.REFERRAL_BONUS_REFERRER)
                postings.append(_bonus(referral, referral.referrer_id, bonus, "bonus"))
                total += bonus
            if settings.REFERRAL_BONUS_REFERRED:
                welcome = money(settings.REFERRAL_BONUS_REFERRED)
                postings.append(_bonus(referral, referral.referred_id, welcome, "welcome"))
        if share:
            for event in by_user[referral.referred_id]:
                cut = money(event.cashback_amount * share / Decimal(100))
                if cut and event.sale_at - referral.created_at <= share_until:
                    postings.append(
                        _bonus(referral, referral.referrer_id, cut, f"share:{event.pk}")
                    )
                    total += cut
        if total:
            earned[referral.pk] = total
    referrals_credit(earned=earned, activated=activated, now=now)
    return postings
