"""One row read by a hot path: hand-written SQL (a join the ORM would spell with
subqueries, or one it would compile anew on every request), each column converted by
its own model field exactly as the ORM converts it (JSON, decimals, UUIDs and datetimes
on SQLite), so the values are the ones a queryset would give.
"""

from collections.abc import Sequence
from functools import cache

from django.db import connection, models

Column = tuple[type[models.Model], str]  # (model, field name)


@cache
def _converters(model: type[models.Model], name: str) -> tuple:
    field = model._meta.get_field(name)
    col = field.get_col(model._meta.db_table)
    converters = connection.ops.get_db_converters(col) + field.get_db_converters(connection)
    return col, tuple(converters)


def select_row(sql: str, params: Sequence, columns: Sequence[Column]) -> list | None:
    """The first row of `sql`, column i converted by the field columns[i] names."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    values = []
    for value, (model, name) in zip(row, columns, strict=True):
        col, converters = _converters(model, name)
        for convert in converters:
            value = convert(value, col, connection)
        values.append(value)
    return values


def db_value(model: type[models.Model], name: str, value):
    """`value` as a query parameter for the field (a UUID on SQLite is hex text)."""
    return model._meta.get_field(name).get_db_prep_value(value, connection)
