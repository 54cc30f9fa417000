"""The leaderboard's fast pass past the prize ranks agrees with services.ranking."""

import random
from decimal import Decimal

import pytest

from ..services.leaderboard_live import rank_ordered
from ..services.ranking import Score, parse_prize_table, rank

TABLES = [
    [],
    [{"ranks": "1", "amount": "25.00"}, {"ranks": "2-3", "amount": "10.00"}],
    [{"ranks": "1-7", "amount": "0.10"}],
]


@pytest.mark.parametrize("table", TABLES)
@pytest.mark.parametrize("seed", range(20))
def test_rank_ordered_matches_ranking_rank_with_many_ties(table, seed):
    rng = random.Random(seed)
    scores = [
        Score(user_id, Decimal(rng.randint(1, 6)), rng.randint(0, 50))
        for user_id in range(1, rng.randint(1, 40))
    ]
    prizes = parse_prize_table(table)
    ordered = sorted(scores, key=lambda s: (-s.score, s.reached, s.user_id))

    assert rank_ordered([tuple(s) for s in ordered], prizes) == rank(scores, prizes)


def test_a_tie_across_the_last_prize_rank_still_shares_it():
    rows = [(1, Decimal(9), 0), (2, Decimal(5), 1), (3, Decimal(5), 2), (4, Decimal(1), 3)]
    prizes = parse_prize_table([{"ranks": "1-2", "amount": "1.01"}])
    assert [(s.rank, s.prize) for s in rank_ordered(rows, prizes)] == [
        (1, Decimal("1.01")),
        (2, Decimal("0.51")),
        (2, Decimal("0.50")),
        (4, Decimal("0.00")),
    ]
