"""Helpers for tests that pin down exactly what a hot path asks of the database."""

import re
from contextlib import contextmanager

from django.db import connection
from django.test.utils import CaptureQueriesContext

_TABLE = re.compile(r'(?:\bFROM|\bINTO|^UPDATE)\s+"?(\w+)"?')


def _describe(sql: str) -> str:
    return f"{sql.split()[0]} {_TABLE.search(sql).group(1)}"


@contextmanager
def data_statements():
    """Collect each statement as "VERB table", leaving out savepoints (transaction
    bookkeeping whose number depends on how deeply the caller nests atomic blocks)."""
    statements: list[str] = []
    with CaptureQueriesContext(connection) as captured:
        yield statements
    statements += [
        _describe(query["sql"])
        for query in captured.captured_queries
        if not query["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]
