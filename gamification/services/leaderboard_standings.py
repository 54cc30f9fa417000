"""What the leaderboard page and API show: a period's top 100 and the viewer's place,
by name (never email), the same few queries whether ten or a million shoppers rank."""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts.models import User
from accounts.models.user import public_name_of
from config.errors import Refusal

from ..models import Leaderboard
from .leaderboard_live import (
    Row,
    is_settled,
    live_row,
    live_top,
    settled_row,
    settled_top,
)
from .leaderboard_periods import Period, current_period, previous_period

HIDDEN_NAME = "Hidden shopper"
PERIODS = ("current", "previous")
TOP = 100


@dataclass
class Entry:
    rank: int
    name: str
    score: str
    prize: Decimal
    is_me: bool = False


@dataclass
class Standings:
    board: Leaderboard
    which: str
    period: Period | None
    settled: bool = False
    refreshed_at: datetime | None = None
    participants: int | None = None
    entries: list[Entry] = field(default_factory=list)
    me: Entry | None = None


def format_score(board: Leaderboard, score: Decimal) -> str:
    """Money and race metrics with cents; counts (points, referrals) as whole numbers."""
    if board.type in (Leaderboard.Type.POINTS, Leaderboard.Type.REFERRALS):
        return str(int(score))
    return f"{score:.2f}"


def _names(user_ids: list[int], viewer_id: int | None) -> dict[int, str]:
    rows = User.objects.filter(pk__in=user_ids).values_list(
        "pk", "public_name", "first_name", "last_name", "leaderboard_hidden"
    )
    return {
        pk: HIDDEN_NAME if hidden and pk != viewer_id else public_name_of(public, first, last, pk)
        for pk, public, first, last, hidden in rows
    }


def leaderboard_standings(
    *, board: Leaderboard, which: str = "current", viewer=None, now=None
) -> Standings:
    if which not in PERIODS:
        raise Refusal("invalid_choice", f"period is one of {', '.join(PERIODS)}.", "period")
    now = now or timezone.now()
    period = current_period(board, now) if which == "current" else previous_period(board, now)
    standings = Standings(board=board, which=which, period=period)
    if period is None:
        return standings
    viewer_id = viewer.pk if viewer is not None and viewer.is_authenticated else None
    standings.settled = is_settled(board, period)
    if standings.settled:
        top = settled_top(board=board, period=period, limit=TOP)
        mine = settled_row(board=board, period=period, user_id=viewer_id) if viewer_id else None
    else:
        snapshot = board.live.get(period.start.isoformat()) or {}
        standings.refreshed_at = parse_datetime(snapshot.get("refreshed_at") or "")
        standings.participants = snapshot.get("participants")
        top = live_top(board=board, period=period, limit=TOP)
        mine = live_row(board=board, period=period, user_id=viewer_id) if viewer_id else None
    names = _names([r.user_id for r in top], viewer_id)
    standings.entries = [
        _entry(board, r, names.get(r.user_id, HIDDEN_NAME), viewer_id) for r in top
    ]
    if mine:
        standings.me = _entry(board, mine, "", viewer_id)
    return standings


def _entry(board: Leaderboard, row: Row, name: str, viewer_id) -> Entry:
    return Entry(
        rank=row.rank,
        name=name,
        score=format_score(board, row.score),
        prize=row.prize,
        is_me=row.user_id == viewer_id,
    )


def ends_in(end_at: datetime | None, now=None) -> str:
    """ "3 days 4 h", "5 h 20 min", "12 min": how long the period still runs."""
    if end_at is None:
        return ""
    seconds = int((end_at - (now or timezone.now())).total_seconds())
    if seconds <= 0:
        return "ended"
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{days} day{'s' if days != 1 else ''} {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{max(minutes, 1)} min"
