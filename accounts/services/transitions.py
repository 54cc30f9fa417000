"""Every status move in the product goes through `transition()`.

One shape for all of them (cashback events, withdrawals, conversions, partners, users,
KYC): a conditional `UPDATE … WHERE status = <what we saw>` claims the move, so two
workers or two staff racing for the same row move it once; a `StatusChange` row says who
moved it, from what, to what and why; side effects (signals, emails, tasks) run only after
the transaction commits. Callers keep their own table of allowed moves.
"""

from collections.abc import Callable, Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.db.models.expressions import Combinable
from django.utils import timezone

from config.row_cache import rows_changed
from config.sql_arrays import any_of, array_literal

from ..models import StatusChange


def _actor(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def transition(
    obj: models.Model,
    *,
    to: str,
    allowed_from: Iterable[str],
    actor=None,
    reason: str = "",
    field: str = "status",
    updates: dict | None = None,
    when: dict | None = None,
    on_commit: Callable[[], None] | None = None,
) -> bool:
    """Move `obj.<field>` to `to` if it is in `allowed_from` (and the row matches `when`,
    e.g. a lease: `{"attempts": 3}`); False, and nothing written, if it is not, now or by
    the time we get there. `updates` are other columns written in the same UPDATE
    (timestamps, reviewer); `on_commit` runs after a successful commit."""
    allowed = set(allowed_from)
    row = type(obj)._default_manager.filter(pk=obj.pk, **(when or {}))
    columns = {field: to, **(updates or {})}
    # No savepoint: callers are mostly inside their own transaction already (postbacks,
    # jobs), and a failure here must undo theirs too; two fewer round trips per move.
    with transaction.atomic(savepoint=False):
        was = getattr(obj, field)
        moved = was in allowed and row.filter(**{field: was}).update(**columns)
        if not moved:
            # Our copy was stale: read the row under a lock to know its real state.
            was = row.select_for_update().values_list(field, flat=True).first()
            if was not in allowed:
                return False
            row.update(**columns)
        # A status the redirects read (partner) reaches their caches once committed.
        rows_changed(type(obj))
        StatusChange.objects.create(
            content_type=ContentType.objects.get_for_model(obj),
            object_id=obj.pk,
            field=field,
            from_status=was,
            to_status=to,
            actor=_actor(actor),
            reason=reason,
        )
        for name, value in columns.items():
            if not isinstance(value, Combinable):
                setattr(obj, name, value)
        if on_commit is not None:
            transaction.on_commit(on_commit)
    return True


def transition_claimed(
    model: type[models.Model],
    pks: list[int],
    *,
    was: str,
    to: str,
    actor=None,
    reason: str = "",
    field: str = "status",
    updates: dict | None = None,
) -> int:
    """The batch form, for jobs that have already locked `pks` in state `was` (a
    `select_for_update(skip_locked=True)` claim): one UPDATE and one multi-row INSERT of
    history. Returns how many rows moved; call it inside the claiming transaction."""
    if not pks:
        return 0
    postgres = connection.vendor == "postgresql"
    moved = model._default_manager.filter(pk__in=any_of(pks, "bigint"), **{field: was}).update(
        **{field: to, **(updates or {})}
    )
    if moved != len(pks):
        # A programming error, not a refusal: the caller's lock did not hold these rows.
        raise RuntimeError(f"{len(pks) - moved} claimed rows were not {was!r} under the lock")
    rows_changed(model)
    content_type = ContentType.objects.get_for_model(model)
    actor = _actor(actor)
    if postgres:
        _insert_history(content_type.pk, pks, field, was, to, actor, reason)
        return moved
    StatusChange.objects.bulk_create(
        StatusChange(
            content_type=content_type,
            object_id=pk,
            field=field,
            from_status=was,
            to_status=to,
            actor=actor,
            reason=reason,
        )
        for pk in pks
    )
    return moved


def _insert_history(content_type_id, pks, field, was, to, actor, reason) -> None:
    """The history of a batch in one INSERT … SELECT over the array of ids: the rows differ
    only in object_id, so no model instance is built per row."""
    row = [
        content_type_id,
        array_literal(pks, "bigint"),
        field,
        was,
        to,
        actor and actor.pk,
        reason,
        timezone.now(),
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {StatusChange._meta.db_table} (content_type_id, object_id, field, "
            "from_status, to_status, actor_id, reason, created_at) "
            "SELECT %s, unnest(%s::bigint[]), %s, %s, %s, %s, %s, %s",
            row,
        )
