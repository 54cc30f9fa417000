"""`field__in=any_of(values, "bigint")`: a batch's ids as one array parameter.

Batch jobs filter by thousands of ids or keys. As a plain list each value is a parameter
that Django resolves and psycopg quotes and splices into the statement one by one, which
cost more than the query itself; on PostgreSQL they travel as a single array instead.
"""

from django.db import connection
from django.db.models.expressions import RawSQL

_TYPES = {"bigint", "varchar"}


def any_of(values, db_type: str):
    if db_type not in _TYPES:  # spliced into the SQL, so only names from this list
        raise ValueError(f"any_of: unknown type {db_type!r}")
    values = list(values)
    if connection.vendor != "postgresql":
        return values
    return RawSQL(f"SELECT unnest(%s::{db_type}[])", (values,))  # noqa: S611 the values are a parameter
