"""Settling a leaderboard period once it has ended: final standings, prizes, notices.

1. Under the board's row lock, the final standings are written as LeaderboardEntry rows
   (all in one transaction, ON CONFLICT DO NOTHING) unless the period already has them:
   a rerun pays what the first run decided, even if a score moved since.
2. Unpaid prizes are paid in batches, each one transaction: claim the entries
   (FOR UPDATE SKIP LOCKED), pay them through bonus_money.pay_bonuses under the key
   `leaderboard:<id>:<period_start>:<user>`, record the key on the entry, notify the
   winner. A run killed half-way loses only its open batch; the next pays the rest.
3. The board's settled_until moves past the period only when no prize is left unpaid.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from support.models import Category
from support.services import notify

from ..models import Leaderboard, LeaderboardEntry
from .bonus_money import PRIZE, BonusPayment, pay_bonuses
from .leaderboard_live import standings_compute
from .leaderboard_periods import Period, ended_periods

BATCH_SIZE = 200


@dataclass
class SettleReport:
    periods: int = 0
    entries: int = 0
    paid: int = 0
    amount: Decimal = Decimal("0.00")
    unfinished: int = 0


def prize_key(entry: LeaderboardEntry) -> str:
    return f"leaderboard:{entry.leaderboard_id}:{entry.period_start.isoformat()}:{entry.user_id}"


def leaderboards_settle(
    *, now=None, dry_run: bool = False, batch_size: int = BATCH_SIZE, boards=None
) -> SettleReport:
    """Settle every ended, unsettled period of every active board (or of `boards`),
    oldest first."""
    now = now or timezone.now()
    report = SettleReport()
    boards = Leaderboard.objects.all() if boards is None else boards
    for board in boards.filter(is_active=True).order_by("pk"):
        for period in ended_periods(board, now):
            report.periods += 1
            if dry_run:
                standings = standings_compute(board=board, period=period)
                winners = [s for s in standings if s.prize > 0]
                report.entries += len(standings)
                report.paid += len(winners)
                report.amount += sum((s.prize for s in winners), Decimal("0.00"))
                continue
            if not leaderboard_settle_period(
                board=board, period=period, batch_size=batch_size, report=report
            ):
                report.unfinished += 1
                break  # the next period waits: periods settle in order
    return report


def leaderboard_settle_period(
    *, board: Leaderboard, period: Period, batch_size: int = BATCH_SIZE, report=None
) -> bool:
    """Settle one period; True once every prize in it is paid."""
    report = report or SettleReport()
    report.entries += _write_entries(board, period)
    while True:
        paid, amount = _pay_batch(board, period, batch_size)
        if not paid:
            break
        report.paid += paid
        report.amount += amount
    entries = LeaderboardEntry.objects.filter(leaderboard=board, period_start=period.start)
    if entries.filter(prize__gt=0, paid_transaction_key="").exists():
        return False  # another worker holds a batch, or one failed: the next run finishes
    # Conditional: two settlers finishing together move it once, and never backwards.
    Leaderboard.objects.filter(pk=board.pk, settled_until=board.settled_until).update(
        settled_until=period.end
    )
    board.settled_until = period.end
    return True


def _write_entries(board: Leaderboard, period: Period) -> int:
    with transaction.atomic():
        Leaderboard.objects.select_for_update().filter(pk=board.pk).first()
        if LeaderboardEntry.objects.filter(leaderboard=board, period_start=period.start).exists():
            return 0
        standings = standings_compute(board=board, period=period)
        LeaderboardEntry.objects.bulk_create(
            (
                LeaderboardEntry(
                    leaderboard=board,
                    user_id=s.user_id,
                    period_start=period.start,
                    period_end=period.last_day,
                    rank=s.rank,
                    score=s.score,
                    prize=s.prize,
                )
                for s in standings
            ),
            batch_size=2000,
            ignore_conflicts=True,
        )
    return len(standings)


def _pay_batch(board: Leaderboard, period: Period, batch_size: int) -> tuple[int, Decimal]:
    with transaction.atomic():
        batch = list(
            LeaderboardEntry.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("user")
            .filter(
                leaderboard=board, period_start=period.start, prize__gt=0, paid_transaction_key=""
            )
            .order_by("rank", "id")[:batch_size]
        )
        if not batch:
            return 0, Decimal("0.00")
        pay_bonuses(
            [
                BonusPayment(
                    user_id=entry.user_id,
                    amount=entry.prize,
                    kind=PRIZE,
                    idempotency_key=prize_key(entry),
                    memo=f"{board.name}: prize for rank {entry.rank}",
                    reference=f"leaderboard_entry:{entry.pk}",
                )
                for entry in batch
            ]
        )
        for entry in batch:
            entry.paid_transaction_key = prize_key(entry)
        LeaderboardEntry.objects.bulk_update(batch, ["paid_transaction_key"])
        url = reverse("gamification:leaderboard", args=[board.slug]) + "?period=previous"
        for entry in batch:
            notify(
                user=entry.user,
                category=Category.REWARDS,
                title=f"You won {entry.prize} on {board.name}",
                body=f"Rank {entry.rank}, {period.start} to {period.last_day}. "
                "The prize is in your available balance.",
                url=url,
                key=f"leaderboard-prize:{entry.paid_transaction_key}",
            )
    return len(batch), sum((e.prize for e in batch), Decimal("0.00"))
