"""One row written by a hot path: a parameterised INSERT built once per model, each value
prepared by its own model field (so UUIDs, JSON, decimals and aware datetimes reach SQLite
and PostgreSQL exactly as the ORM would send them), and no model instance. ORM create()
spends more time building the instance and compiling the SQL than the database spends
writing the row.

Every column is written: the ones the caller names, the others with their field's
default (auto_now/auto_now_add fields: now), so a column added later cannot make the hot
path fail the way a hand-written column list would.
"""

from collections.abc import Mapping
from functools import cache

from django.db import connection, models
from django.utils import timezone


@cache
def _statement(model: type[models.Model]) -> tuple[str, tuple[models.Field, ...]]:
    fields = tuple(
        field
        for field in model._meta.concrete_fields
        if not (field.primary_key and isinstance(field, models.AutoField))
    )
    names = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    marks = ", ".join(["%s"] * len(fields))
    table = connection.ops.quote_name(model._meta.db_table)
    return f"INSERT INTO {table} ({names}) VALUES ({marks})", fields  # noqa: S608


def _default(field: models.Field):
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return timezone.now()
    return field.get_default()


def insert_row(model: type[models.Model], values: Mapping[str, object]) -> None:
    """INSERT one row of `model`; `values` by field name (a foreign key by its name, the
    related row's id as the value)."""
    sql, fields = _statement(model)
    prepared = [
        field.get_db_prep_save(
            values[field.name] if field.name in values else _default(field), connection
        )
        for field in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, prepared)
