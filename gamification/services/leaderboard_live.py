"""Live standings: computed in full by a refresh (every 5 minutes), read in pieces.

A refresh ranks everyone (services.ranking: competition ranks, tie prize shares, the
remainder cent by who reached the score first) and stores the result under a fresh
token: in Redis, a sorted set of every ranked shopper by score, and a small hash of the
prize ranks ("position|rank|prize" of each shopper there, as services.ranking decided);
without Redis (`make run`), LiveStanding rows (a table, not the cache: locmem lives in one
process and the refresh runs in another). The board's `live` field then flips to the new
token under a row lock, and the old token's data is dropped.

A page reads the top 100 (ZREVRANGE WITHSCORES + HMGET of the prize hash) and the
viewer's place (ZSCORE, then competition rank = ZCOUNT(score > mine) + 1): O(log n) Redis
work and the same number of queries however many shoppers are ranked. Past the prize
ranks, shoppers with equal scores are listed in the sorted set's order (their ranks and
prizes, nil, do not depend on it).
"""

import functools
import uuid
from collections.abc import Sequence
from decimal import Decimal
from itertools import takewhile
from typing import NamedTuple

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..models import Leaderboard, LeaderboardEntry, LiveStanding
from .leaderboard_periods import Period, current_period, previous_period
from .leaderboard_scores import leaderboard_scores
from .ranking import Score, Standing, parse_prize_table, rank

# Refreshed every 5 minutes; kept a week so a stopped beat shows stale, not empty, boards.
LIVE_TTL_SECONDS = 7 * 24 * 3600
CHUNK = 5000
NO_PRIZE = Decimal("0.00")


class Row(NamedTuple):
    user_id: int
    rank: int
    score: Decimal
    prize: Decimal


@functools.cache
def _client(url: str):
    import redis

    return redis.Redis.from_url(url)


def redis_client():
    """The project's Redis (REDIS_URL), or None when it runs without one."""
    return _client(settings.REDIS_URL) if settings.REDIS_URL else None


def _keys(token: str) -> tuple[str, str]:
    return f"savebucks:lb:{token}:scores", f"savebucks:lb:{token}:prizes"


def _store(token: str, board: Leaderboard, standings: Sequence[Standing], last_prize: int) -> None:
    client = redis_client()
    if client is None:
        LiveStanding.objects.bulk_create(
            (
                LiveStanding(
                    leaderboard=board,
                    token=token,
                    position=i,
                    user_id=s.user_id,
                    rank=s.rank,
                    score=s.score,
                    prize=s.prize,
                )
                for i, s in enumerate(standings)
            ),
            batch_size=CHUNK,
        )
        return
    order, prizes = _keys(token)
    pipe = client.pipeline(transaction=False)
    for start in range(0, len(standings), CHUNK):
        # Scores as floats: exact for cents below 2**53 / 100, equal for equal Decimals.
        pipe.zadd(order, {s.user_id: float(s.score) for s in standings[start : start + CHUNK]})
        pipe.execute()
    # Standings come best first: the prize ranks are a prefix.
    head = {
        s.user_id: f"{position}|{s.rank}|{s.prize}"
        for position, s in enumerate(takewhile(lambda s: s.rank <= last_prize, standings))
    }
    if head:
        pipe.hset(prizes, mapping=head)
    pipe.expire(order, LIVE_TTL_SECONDS)
    pipe.expire(prizes, LIVE_TTL_SECONDS)
    pipe.execute()


def _drop(token: str) -> None:
    client = redis_client()
    if client is None:
        LiveStanding.objects.filter(token=token).delete()
    else:
        client.delete(*_keys(token))


def board_prizes(board: Leaderboard) -> dict[int, Decimal]:
    """{rank: amount} a period of `board` pays. A race board pays nothing: it shows a
    race's standings, whatever the period, and the race pays its prizes at completion;
    prizes here would pay the same standings again every period."""
    if board.type == Leaderboard.Type.RACE:
        return {}
    return parse_prize_table(board.prize_table)


def standings_compute(*, board: Leaderboard, period: Period) -> list[Standing]:
    prizes = board_prizes(board)
    return rank_ordered(leaderboard_scores(board=board, period=period), prizes)


def rank_ordered(rows: Sequence[tuple], prizes: dict[int, Decimal]) -> list[Standing]:
    """Standings of (user_id, score, reached) rows already sorted best first.

    services.ranking decides every rank that can win a prize (ties and shares included);
    past the last prize rank, extended through any tie there, nobody wins, and the ranks
    follow from the order alone: one cheap pass instead of a hundred thousand tie groups
    each splitting nothing."""
    cut = min(max(prizes, default=0), len(rows))
    while 0 < cut < len(rows) and rows[cut][1] == rows[cut - 1][1]:
        cut += 1
    standings = rank([Score(*row) for row in rows[:cut]], prizes)
    previous, rank_ = None, 0
    make = Standing._make
    for position in range(cut, len(rows)):
        user_id, score, _reached = rows[position]
        if score != previous:
            previous, rank_ = score, position + 1
        standings.append(make((rank_, user_id, score, NO_PRIZE)))
    return standings


def _periods_to_show(board: Leaderboard, now) -> list[Period]:
    """The current period, and the previous one until it is settled."""
    periods = [current_period(board, now)]
    previous = previous_period(board, now)
    if previous and not is_settled(board, previous):
        periods.append(previous)
    return periods


def is_settled(board: Leaderboard, period: Period) -> bool:
    return bool(board.settled_until and period.end and period.end <= board.settled_until)


def leaderboard_refresh(*, board: Leaderboard, now=None) -> int:
    """Recompute the live standings of the board's current (and unsettled previous)
    period; returns how many shoppers are ranked in the current one."""
    now = now or timezone.now()
    counts = []
    for period in _periods_to_show(board, now):
        standings = standings_compute(board=board, period=period)
        token = uuid.uuid4().hex
        _store(token, board, standings, max(board_prizes(board), default=0))
        _flip(board, period, token, len(standings), now)
        counts.append(len(standings))
    return counts[0]


def _flip(board: Leaderboard, period: Period, token: str, participants: int, now) -> None:
    keep = {p.start.isoformat() for p in _periods_to_show(board, now)}
    with transaction.atomic():
        locked = Leaderboard.objects.select_for_update().get(pk=board.pk)
        old = dict(locked.live)
        live = {k: v for k, v in old.items() if k in keep}
        live[period.start.isoformat()] = {
            "token": token,
            "refreshed_at": now.isoformat(),
            "participants": participants,
        }
        Leaderboard.objects.filter(pk=board.pk).update(live=live)
    board.live = live
    replaced = {v["token"] for v in old.values()} - {v["token"] for v in live.values()}
    for stale in replaced:
        _drop(stale)


def leaderboards_refresh(*, now=None) -> dict[str, int]:
    """Refresh every active board: {slug: shoppers ranked}."""
    return {
        board.slug: leaderboard_refresh(board=board, now=now)
        for board in Leaderboard.objects.filter(is_active=True).order_by("pk")
    }


def _score(value: float) -> Decimal:
    return Decimal(repr(value)).quantize(Decimal("0.01"))


def live_top(*, board: Leaderboard, period: Period, limit: int = 100) -> list[Row]:
    snapshot = board.live.get(period.start.isoformat())
    if not snapshot:
        return []
    client = redis_client()
    if client is None:
        return [
            Row(*r)
            for r in LiveStanding.objects.filter(token=snapshot["token"])
            .order_by("position")
            .values_list("user_id", "rank", "score", "prize")[:limit]
        ]
    order, prizes = _keys(snapshot["token"])
    top = client.zrevrange(order, 0, limit - 1, withscores=True)
    if not top:
        return []
    decided = client.hmget(prizes, [member for member, _ in top])
    rows, first_at = [], {}
    for position, ((member, value), head) in enumerate(zip(top, decided, strict=True)):
        # Competition rank: every higher score is above in this list.
        rank_ = first_at.setdefault(value, position + 1)
        if head:
            at, rank_, prize = head.decode().split("|")
            rows.append((int(at), Row(int(member), int(rank_), _score(value), Decimal(prize))))
        else:
            rows.append((position + limit, Row(int(member), rank_, _score(value), NO_PRIZE)))
    # Within a tie at the prize ranks, who reached the score first is listed first.
    return [row for _, row in sorted(rows, key=lambda r: (-r[1].score, r[0]))]


def live_row(*, board: Leaderboard, period: Period, user_id: int) -> Row | None:
    snapshot = board.live.get(period.start.isoformat())
    if not snapshot:
        return None
    client = redis_client()
    if client is None:
        row = (
            LiveStanding.objects.filter(token=snapshot["token"], user_id=user_id)
            .values_list("user_id", "rank", "score", "prize")
            .first()
        )
        return Row(*row) if row else None
    order, prizes = _keys(snapshot["token"])
    mine, head = (
        client.pipeline(transaction=False).zscore(order, user_id).hget(prizes, user_id).execute()
    )
    if mine is None:
        return None
    if head:
        _at, rank_, prize = head.decode().split("|")
        return Row(user_id, int(rank_), _score(mine), Decimal(prize))
    above = client.zcount(order, f"({mine!r}", "+inf")
    return Row(user_id, above + 1, _score(mine), NO_PRIZE)


def settled_top(*, board: Leaderboard, period: Period, limit: int = 100) -> list[Row]:
    return [
        Row(*r)
        for r in LeaderboardEntry.objects.filter(leaderboard=board, period_start=period.start)
        .order_by("rank", "id")
        .values_list("user_id", "rank", "score", "prize")[:limit]
    ]


def settled_row(*, board: Leaderboard, period: Period, user_id: int) -> Row | None:
    row = (
        LeaderboardEntry.objects.filter(
            leaderboard=board, period_start=period.start, user_id=user_id
        )
        .values_list("user_id", "rank", "score", "prize")
        .first()
    )
    return Row(*row) if row else None
