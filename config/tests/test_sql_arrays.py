"""Array literals carry a batch's values to PostgreSQL exactly, whatever the text holds."""

from decimal import Decimal

import pytest
from django.db import connection

from config.sql_arrays import array_literal

TEXTS = [
    "cashback:12:confirm",
    "",
    "with space",
    'a "quoted" word',
    "back\\slash\\",
    "{braces},commas",
    "NULL",
    "ünïcødé ✓",
    "line\nbreak\ttab",
    None,
]


def _round_trip(literal: str, db_type: str) -> list:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT v FROM unnest(%s::{db_type}[]) WITH ORDINALITY AS t(v, n) ORDER BY n",  # noqa: S608 (a type name from the test)
            [literal],
        )
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.postgres
@pytest.mark.django_db
def test_text_values_come_back_exactly():
    assert _round_trip(array_literal(TEXTS, "varchar"), "varchar") == TEXTS


@pytest.mark.postgres
@pytest.mark.django_db
def test_numbers_come_back_exactly():
    amounts = [Decimal("0.10"), Decimal("-1.20"), Decimal("99999999999.99"), None, Decimal("1E+2")]
    assert _round_trip(array_literal(amounts, "numeric"), "numeric") == [
        Decimal("0.10"),
        Decimal("-1.20"),
        Decimal("99999999999.99"),
        None,
        Decimal("100"),
    ]
    ids = [1, 9_223_372_036_854_775_807, None, 0]
    assert _round_trip(array_literal(ids, "bigint"), "bigint") == ids


@pytest.mark.parametrize(
    "value", [True, 1.5, "1", Decimal("NaN"), Decimal("Infinity"), b"1"], ids=repr
)
def test_only_numbers_reach_a_numeric_literal(value):
    # The literal is parsed by PostgreSQL: a string here could smuggle in other elements.
    with pytest.raises((TypeError, ValueError)):
        array_literal([Decimal("1.00"), value], "numeric")


def test_unknown_types_are_refused():
    with pytest.raises(ValueError, match="unknown type"):
        array_literal([1], "text); DROP TABLE x; --")
