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
def _statement(
    model: type[models.Model], unless_conflict_on: tuple[str, ...] | None = None
) -> tuple[str, tuple[models.Field, ...], tuple[type | None, ...]]:
    """The INSERT, its fields, and the Python type each field passes through unprepared;
    with `unless_conflict_on` (a tuple, maybe empty) it returns the id."""
    fields = tuple(
        field
        for field in model._meta.concrete_fields
        if not (field.primary_key and isinstance(field, models.AutoField))
    )
    names = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    marks = ", ".join(["%s"] * len(fields))
    table = connection.ops.quote_name(model._meta.db_table)
    sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608
    if unless_conflict_on:
        # The unique key decides between twins without a savepoint: a concurrent twin's
        # row makes this wait for its commit, then insert nothing and return no id.
        key = ", ".join(
            connection.ops.quote_name(model._meta.get_field(name).column)
            for name in unless_conflict_on
        )
        sql += f" ON CONFLICT ({key}) DO NOTHING"
    if unless_conflict_on is not None:
        sql += f" RETURNING {connection.ops.quote_name(model._meta.pk.column)}"
    return sql, fields, tuple(_plain_type(field) for field in fields)


# Fields whose database value is the Python value itself when it has exactly this type:
# preparing it through the field (to_python, get_prep_value, the backend's adaptation)
# would hand back the same object, at a few microseconds a column on every click. Exact
# classes, not subclasses: a subclass may prepare values its own way (EncryptedTextField
# encrypts them), and its values must go through it.
_PLAIN = {
    models.BooleanField: bool,
    models.CharField: str,
    models.SlugField: str,
    models.TextField: str,
    models.IntegerField: int,
    models.BigIntegerField: int,
    models.SmallIntegerField: int,
    models.PositiveIntegerField: int,
    models.PositiveBigIntegerField: int,
    models.PositiveSmallIntegerField: int,
    models.AutoField: int,
    models.BigAutoField: int,
}


def _plain_type(field: models.Field) -> type | None:
    target = field.target_field if isinstance(field, models.ForeignKey) else field
    return _PLAIN.get(type(target))


def _prepared(fields: tuple[models.Field, ...], plain: tuple, values: list) -> list:
    return [
        value
        if value is None or type(value) is python_type
        else field.get_db_prep_save(value, connection)
        for field, python_type, value in zip(fields, plain, values, strict=True)
    ]


def _default(field: models.Field):
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return timezone.now()
    return field.get_default()


def insert_row(model: type[models.Model], values: Mapping[str, object]) -> None:
    """INSERT one row of `model`; `values` by field name (a foreign key by its name, the
    related row's id as the value)."""
    sql, fields, plain = _statement(model)
    prepared = _prepared(
        fields, plain, [values[f.name] if f.name in values else _default(f) for f in fields]
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, prepared)


def insert_instance(instance: models.Model, *, unless_conflict_on: tuple[str, ...] = ()) -> bool:
    """INSERT `instance` as save() would (auto_now fields stamped on it, each value
    prepared by its field), and set its id. With `unless_conflict_on` (field names of a
    unique key), nothing if a row with the same key exists: False then."""
    sql, fields, plain = _statement(type(instance), unless_conflict_on)
    prepared = _prepared(fields, plain, [field.pre_save(instance, True) for field in fields])
    with connection.cursor() as cursor:
        cursor.execute(sql, prepared)
        row = cursor.fetchone()
    if row is None:
        return False
    instance.pk = row[0]
    instance._state.adding, instance._state.db = False, connection.alias
    return True
