from decimal import Decimal

import pytest

from gamification.services.ranking import (
    InvalidPrizeTable,
    Score,
    Standing,
    parse_prize_table,
    rank,
)

D = Decimal
PRIZES = parse_prize_table([{"ranks": "1", "amount": "25.00"}, {"ranks": "2-3", "amount": "10.00"}])


def test_prize_table_expands_ranges():
    assert {1: D("25.00"), 2: D("10.00"), 3: D("10.00")} == PRIZES


@pytest.mark.parametrize(
    "table",
    [
        "1:25",
        [{"ranks": "1", "amount": "25.001"}],
        [{"ranks": "1", "amount": "-1"}],
        [{"ranks": "1", "amount": "NaN"}],
        [{"ranks": "1", "amount": 2.5}],
        [{"ranks": "3-2", "amount": "1"}],
        [{"ranks": "0", "amount": "1"}],
        [{"ranks": "1-100000", "amount": "1"}],
        [{"ranks": "1", "amount": "1"}, {"ranks": "1-2", "amount": "1"}],
        [{"ranks": "1", "amount": "1", "extra": 1}],
    ],
)
def test_bad_prize_tables_are_refused(table):
    with pytest.raises(InvalidPrizeTable):
        parse_prize_table(table)


def test_competition_ranks_and_tied_players_share_their_ranks_prizes():
    scores = [
        Score(1, D("50"), 1),
        Score(2, D("40"), 5),  # tied with 3, reached it later
        Score(3, D("40"), 2),
        Score(4, D("30"), 1),
    ]
    assert rank(scores, PRIZES) == [
        Standing(1, 1, D("50"), D("25.00")),
        Standing(2, 3, D("40"), D("10.00")),  # ranks 2 and 3: 20.00 in two
        Standing(2, 2, D("40"), D("10.00")),
        Standing(4, 4, D("30"), D("0.00")),
    ]


def test_leftover_cents_go_to_the_earliest_to_reach_the_score():
    prizes = parse_prize_table([{"ranks": "1", "amount": "10.00"}])
    scores = [Score(7, D("5"), 3), Score(8, D("5"), 1), Score(9, D("5"), 2)]
    standings = rank(scores, prizes)
    assert [(s.rank, s.user_id, s.prize) for s in standings] == [
        (1, 8, D("3.34")),
        (1, 9, D("3.33")),
        (1, 7, D("3.33")),
    ]
    assert sum(s.prize for s in standings) == D("10.00")


def test_a_tie_at_the_last_paid_rank_shares_that_rank_only():
    scores = [Score(1, D("9"), 1), Score(2, D("9"), 2), Score(3, D("9"), 3), Score(4, D("1"), 1)]
    prizes = parse_prize_table([{"ranks": "1-2", "amount": "1.00"}])
    standings = rank(scores, prizes)
    # Three players on ranks 1-3 share the prizes of ranks 1 and 2 (2.00): 0.67, 0.67, 0.66.
    assert [s.prize for s in standings] == [D("0.67"), D("0.67"), D("0.66"), D("0.00")]
    assert [s.rank for s in standings] == [1, 1, 1, 4]
