"""Competition ranking and prize sharing, used by leaderboards and races alike.

Ranks are "1, 2, 2, 4": equal scores share a rank and the next rank skips. Tied players
share, equally, the prizes of every rank they occupy together (two tied at rank 2 split
the prizes of ranks 2 and 3), rounded down to the cent; the cents left over go one each
to the tied players in the order they reached the score, earliest first. Nobody's prize
depends on list position, and the amounts paid always add up to the prizes of the ranks
taken.
"""

import re
from collections.abc import Iterable, Sequence
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from typing import NamedTuple

from config.errors import Refusal
from config.money import CENT

_RANKS = re.compile(r"^\s*([1-9][0-9]{0,5})\s*(?:-\s*([1-9][0-9]{0,5})\s*)?$")
# A prize table never names ranks beyond this; a typo like "1-1000000" is refused.
MAX_PRIZE_RANK = 10_000


class InvalidPrizeTable(Refusal):
    code = "invalid_prize_table"


class Score(NamedTuple):
    user_id: int
    score: Decimal
    # Breaks prize cents within a tie and orders tied names on the page: who got there
    # first (a timestamp, or any sortable value such as the last contributing row's id).
    reached: object


class Standing(NamedTuple):
    rank: int
    user_id: int
    score: Decimal
    prize: Decimal


def parse_prize_table(table) -> dict[int, Decimal]:
    """`[{"ranks": "1", "amount": "25.00"}, {"ranks": "2-3", "amount": "10.00"}]` as
    {rank: amount}. Refuses overlapping ranks, bad ranges and amounts that are not
    non-negative money with at most two decimal places."""
    if not isinstance(table, list):
        raise InvalidPrizeTable(detail="The prize table must be a list of {ranks, amount}.")
    prizes: dict[int, Decimal] = {}
    for row in table:
        if not isinstance(row, dict) or set(row) != {"ranks", "amount"}:
            raise InvalidPrizeTable(detail='Each prize is {"ranks": "2-3", "amount": "10.00"}.')
        match = _RANKS.match(str(row["ranks"]))
        if not match:
            raise InvalidPrizeTable(detail=f"Ranks {row['ranks']!r}: use 1 or 2-3.")
        first = int(match[1])
        last = int(match[2] or first)
        if last < first or last > MAX_PRIZE_RANK:
            raise InvalidPrizeTable(detail=f"Ranks {row['ranks']!r} are not a valid range.")
        amount = _amount(row["amount"])
        for rank in range(first, last + 1):
            if rank in prizes:
                raise InvalidPrizeTable(detail=f"Rank {rank} has two prizes.")
            prizes[rank] = amount
    return prizes


def _amount(value) -> Decimal:
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise InvalidPrizeTable(detail=f"Amount {value!r}: write it as a string like 10.00.")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise InvalidPrizeTable(detail=f"Amount {value!r} is not a number.") from None
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(CENT):
        raise InvalidPrizeTable(detail=f"Amount {value!r}: at most two decimals, not negative.")
    return amount


def prize_pool(prizes: dict[int, Decimal]) -> Decimal:
    return sum(prizes.values(), Decimal("0.00"))


def rank(scores: Iterable[Score], prizes: dict[int, Decimal] | None = None) -> list[Standing]:
    """Standings, best first: competition ranks and each player's share of the prizes."""
    prizes = prizes or {}
    ordered = sorted(scores, key=lambda s: (-s.score, s.reached, s.user_id))
    standings: list[Standing] = []
    position = 0
    while position < len(ordered):
        group = _tied_from(ordered, position)
        rank_taken = position + 1
        shares = _split(
            sum(
                (prizes.get(r, Decimal(0)) for r in range(rank_taken, rank_taken + len(group))),
                Decimal("0.00"),
            ),
            len(group),
        )
        standings += [
            Standing(rank_taken, s.user_id, s.score, share)
            for s, share in zip(group, shares, strict=True)
        ]
        position += len(group)
    return standings


def _tied_from(ordered: Sequence[Score], start: int) -> Sequence[Score]:
    end = start + 1
    while end < len(ordered) and ordered[end].score == ordered[start].score:
        end += 1
    return ordered[start:end]


def _split(pool: Decimal, ways: int) -> list[Decimal]:
    """`pool` in `ways` shares, rounded down to the cent; the leftover cents one each to
    the first shares (the earliest to reach the score)."""
    share = (pool / ways).quantize(CENT, rounding=ROUND_DOWN)
    leftover = int((pool - share * ways) / CENT)
    return [share + (CENT if i < leftover else 0) for i in range(ways)]
