"""The shopper dashboard's sums read covering indexes: a busy shopper's thousands of
events cost index pages, not a heap page each (PostgreSQL only: SQLite has no INCLUDE)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import UserFactory
from wallet.selectors import wallet_summary

from .factories import recorded_event

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="covering indexes: PostgreSQL"),
]


def _definition(index: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [index])
        return cursor.fetchone()[0]


@pytest.mark.parametrize(
    ("index", "columns"),
    [
        # Lifetime earned: confirmed, in the platform's currency.
        ("wallet_event_user_status_cur", "(user_id, status) INCLUDE (cashback_amount, currency)"),
        # The monthly chart: a year by sale date, summed by status.
        ("wallet_event_user_sale", "(user_id, sale_at) INCLUDE (status, cashback_amount)"),
    ],
)
def test_the_dashboards_indexes_hold_every_column_their_sums_read(index, columns):
    assert _definition(index).endswith(f"USING btree {columns}")


def test_lifetime_earned_reads_the_index_alone():
    user = UserFactory()
    recorded_event(user)
    with CaptureQueriesContext(connection) as captured:
        wallet_summary(user=user)
    (earned,) = [q["sql"] for q in captured.captured_queries if "wallet_cashbackevent" in q["sql"]]
    with connection.cursor() as cursor:
        # A handful of test rows would be read sequentially, or through whichever index
        # the planner fancies for so few: ask whether an index alone can answer.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN " + earned)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "Index Only Scan using wallet_event_user_status_cur" in plan
