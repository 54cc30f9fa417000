"""Points: award, correct and spend through one function each, never by editing rows.

`points_award` appends an Activity row under its idempotency key and moves the cached
balance in the same transaction with one conditional UPDATE (a spend that would take the
balance below zero changes nothing and is refused). The same key again returns the first
row and moves nothing, so reruns of jobs and double clicks are harmless.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import F

from accounts.services import audit_log
from accounts.services.own_account import refuse_own_account
from config.errors import Conflict, Refusal

from ..models import Activity, PointsBalance

Kind = Activity.Kind


class NotEnoughPoints(Conflict):
    code = "insufficient_points"


@dataclass(frozen=True)
class Award:
    activity: Activity
    created: bool


def points_award(
    *,
    user,
    kind: str,
    points: int,
    idempotency_key: str,
    reference: str = "",
    description: str = "",
    reason: str = "",
    actor=None,
    metadata: dict | None = None,
) -> Award:
    """Add `points` (negative spends or corrects) to `user` once per key."""
    if not isinstance(points, int) or isinstance(points, bool):
        raise TypeError("points must be an int")
    existing = Activity.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return Award(existing, created=False)
    try:
        with transaction.atomic():
            activity = Activity.objects.create(
                user_id=user.pk,
                kind=kind,
                points=points,
                idempotency_key=idempotency_key,
                reference=reference[:100],
                description=description[:255],
                reason=reason[:255],
                actor=actor,
                metadata=metadata or {},
            )
            _move_balance(user.pk, points)
    except IntegrityError:
        # Another request took the key between the lookup and the insert.
        existing = Activity.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return Award(existing, created=False)
    return Award(activity, created=True)


@dataclass(frozen=True)
class AwardRequest:
    """One award of a batch: `points_award`'s arguments, earnings only (points >= 0)."""

    user_id: int
    kind: str
    points: int
    idempotency_key: str
    reference: str = ""
    description: str = ""
    metadata: dict = field(default_factory=dict)


def points_award_many(requests: Sequence[AwardRequest]) -> int:
    """`points_award` for a batch of earnings (a confirmation run's cashback points): keys
    seen before are skipped, the rest inserted in one statement and each shopper's
    balance moved by one UPDATE, in one transaction. Returns how many rows were new.

    Earnings only: a spend needs the balance guard row by row. If another worker inserts
    one of the keys meanwhile, the batch rolls back and goes row by row through
    `points_award`, so every key still counts once."""
    for request in requests:
        if not isinstance(request.points, int) or isinstance(request.points, bool):
            raise TypeError("points must be an int")
        if request.points < 0:
            raise ValueError("points_award_many takes earnings only; spend with points_award")
    wanted = {r.idempotency_key: r for r in requests if r.points}
    seen = set(
        Activity.objects.filter(idempotency_key__in=list(wanted)).values_list(
            "idempotency_key", flat=True
        )
    )
    new = [r for key, r in wanted.items() if key not in seen]
    if not new:
        return 0
    try:
        with transaction.atomic():
            Activity.objects.bulk_create(
                Activity(
                    user_id=r.user_id,
                    kind=r.kind,
                    points=r.points,
                    idempotency_key=r.idempotency_key,
                    reference=r.reference[:100],
                    description=r.description[:255],
                    metadata=r.metadata,
                )
                for r in new
            )
            per_user: dict[int, int] = defaultdict(int)
            for r in new:
                per_user[r.user_id] += r.points
            PointsBalance.objects.bulk_create(
                [PointsBalance(user_id=user_id) for user_id in per_user], ignore_conflicts=True
            )
            for user_id, points in sorted(per_user.items()):
                PointsBalance.objects.filter(user_id=user_id).update(
                    balance=F("balance") + points, lifetime=F("lifetime") + points
                )
    except IntegrityError:
        # A key taken by a concurrent worker: the whole batch rolled back; row by row,
        # the keys already there are replays.
        return sum(
            points_award(
                user=_Owner(r.user_id),
                kind=r.kind,
                points=r.points,
                idempotency_key=r.idempotency_key,
                reference=r.reference,
                description=r.description,
                metadata=r.metadata,
            ).created
            for r in new
        )
    return len(new)


@dataclass(frozen=True)
class _Owner:
    """A user by id alone: points_award needs only the primary key."""

    pk: int


def _move_balance(user_id: int, points: int) -> None:
    PointsBalance.objects.get_or_create(user_id=user_id)
    gained = max(points, 0)
    moved = PointsBalance.objects.filter(user_id=user_id, balance__gte=-points).update(
        balance=F("balance") + points, lifetime=F("lifetime") + gained
    )
    if not moved:
        raise NotEnoughPoints(detail="There are not enough points for this.")


def points_correct(*, user, points: int, reason: str, actor, idempotency_key: str, request=None):
    """A staff correction: a row with its reason and actor, shown to the shopper."""
    # Points redeem into cash: nobody corrects their own.
    refuse_own_account(actor=actor, owner_id=user.pk, doing="correct points")
    if not reason.strip():
        raise Refusal("reason_required", "Say why: the shopper sees it.", "reason")
    if points == 0:
        raise Refusal("zero_points", "The correction must not be zero.", "points")
    award = points_award(
        user=user,
        kind=Kind.CORRECTION,
        points=points,
        idempotency_key=idempotency_key,
        description="Correction by staff",
        reason=reason.strip(),
        actor=actor,
    )
    if award.created:
        audit_log(
            actor=actor,
            action="gamification.points_correct",
            entity=award.activity,
            metadata={"user": user.pk, "points": points, "reason": reason.strip()},
            request=request,
        )
    return award


def points_balance(user) -> tuple[int, int]:
    """(balance, lifetime) of `user`; zeros for a shopper who never earned any."""
    row = PointsBalance.objects.filter(user_id=user.pk).values_list("balance", "lifetime").first()
    return row or (0, 0)
