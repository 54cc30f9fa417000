"""Races: the prize table a distribution of percentages makes, the clock that moves races
upcoming → live → completed, and completion (final ranks, prizes, points, the archive,
the next race). The feed that fills the standings is services/race_feed.py.

Completion happens in one database transaction under a lock on the race row, and every
payment carries the key `race:<id>:<user>` (points: `race-finish:<id>:<user>`): killed
half-way it leaves nothing behind, and a rerun pays nobody twice.
"""

import logging
from decimal import ROUND_DOWN, Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from accounts.services import audit_log, transition
from accounts.services.own_account import refuse_own_account
from config.errors import Conflict
from config.money import CENT
from support.models import Category
from support.services import notify

from ..models import HistoricalRace, Race, RaceParticipant
from .bonus_money import PRIZE, BonusPayment, pay_bonuses
from .points import points_award
from .ranking import InvalidPrizeTable, Score, Standing, parse_prize_table, rank

log = logging.getLogger(__name__)

HIDDEN_NAME = "Hidden shopper"


class RaceNotLive(Conflict):
    code = "race_not_live"


def parse_distribution(distribution) -> dict[int, Decimal]:
    """`[{"ranks": "1", "percent": "50"}, {"ranks": "2-3", "percent": "25"}]` as
    {rank: percent}: each rank of a range gets the percent named (ranks 2 and 3 get 25%
    each), and all of them together at most 100."""
    if not isinstance(distribution, list):
        raise InvalidPrizeTable(detail='The distribution is a list of {"ranks", "percent"}.')
    rows = []
    for row in distribution:
        if not isinstance(row, dict) or set(row) != {"ranks", "percent"}:
            raise InvalidPrizeTable(detail='Each row is {"ranks": "2-3", "percent": "25"}.')
        rows.append({"ranks": row["ranks"], "amount": row["percent"]})
    # The same grammar as a leaderboard's prize table: a percent is "at most two decimals".
    percents = parse_prize_table(rows)
    if sum(percents.values(), Decimal(0)) > 100:
        raise InvalidPrizeTable(detail="The percentages add up to more than 100.")
    return percents


def race_prizes(race: Race) -> dict[int, Decimal]:
    """{rank: amount}: each percent of the pool rounded down to the cent, so the table
    never exceeds the pool; the cents rounding leaves over stay unpaid."""
    return {
        position: (race.prize_pool * percent / 100).quantize(CENT, rounding=ROUND_DOWN)
        for position, percent in parse_distribution(race.prize_distribution).items()
    }


def race_standings(race: Race) -> list[Standing]:
    """Competition ranks of everyone above zero and at or above the race's minimum, with
    prize shares."""
    # Deleted and suspended shoppers are not ranked (as on leaderboards): the feed stops
    # adding them, but one suspended mid-race keeps their row and must not take a prize.
    scores = [
        Score(p.user_id, p.total, (p.reached_at or p.joined_at, p.pk))
        for p in race.participants.filter(
            total__gte=race.min_metric,
            # Above zero, as on leaderboards: with the default minimum of 0, shoppers who
            # linked an account and played nothing would share the prizes left over.
            total__gt=0,
            user__deleted_at__isnull=True,
            user__status__in=User.LOGIN_STATUSES,
        )
    ]
    return rank(scores, race_prizes(race))


def race_rerank(race: Race) -> dict[int, RaceParticipant]:
    """Store every participant's current rank and prize share; {user_id: row}."""
    standings = {s.user_id: s for s in race_standings(race)}
    rows = list(race.participants.select_related("user"))
    for row in rows:
        standing = standings.get(row.user_id)
        row.rank = standing.rank if standing else None
        row.prize = standing.prize if standing else Decimal("0.00")
    RaceParticipant.objects.bulk_update(rows, ["rank", "prize"], batch_size=500)
    return {row.user_id: row for row in rows}


def standings_name(user: User, viewer) -> str:
    """What `viewer` sees for `user` on a race's standings."""
    if user.leaderboard_hidden and getattr(viewer, "pk", None) != user.pk:
        return HIDDEN_NAME
    return user.leaderboard_name


def races_tick(*, now=None) -> dict[str, int]:
    """Start races whose start has come and complete those whose end has passed."""
    now = now or timezone.now()
    started = 0
    for race in Race.objects.filter(status=Race.Status.UPCOMING, starts_at__lte=now):
        started += transition(
            race, to=Race.Status.LIVE, allowed_from=[Race.Status.UPCOMING], reason="clock"
        )
    completed = 0
    for race in Race.objects.filter(status=Race.Status.LIVE, ends_at__lte=now).order_by("pk"):
        completed += race_complete(race=race, reason="clock") is not None
    return {"started": started, "completed": completed}


def race_complete(*, race: Race, actor=None, request=None, reason: str = ""):
    """Final ranks, prizes and points, the archive and the next race, all or nothing.
    Returns the HistoricalRace, or None when another run completed it first."""
    with transaction.atomic():
        race = Race.objects.select_for_update().get(pk=race.pk)
        if race.status == Race.Status.COMPLETED:
            return None
        if race.status != Race.Status.LIVE:
            raise RaceNotLive(detail=f"{race.title} is {race.status}: only a live race completes.")
        if actor is not None:
            # Completing pays the standings as they are: a participant among staff could
            # end the race early while in the lead.
            for user_id in race.participants.filter(user_id=actor.pk).values_list(
                "user_id", flat=True
            ):
                refuse_own_account(actor=actor, owner_id=user_id, doing="complete a race")
        standings = race_standings(race)
        _store_ranks(race, standings)
        users = User.objects.in_bulk([s.user_id for s in standings])
        pay_bonuses(
            [
                BonusPayment(
                    s.user_id,
                    s.prize,
                    PRIZE,
                    f"race:{race.pk}:{s.user_id}",
                    f"{race.title}: rank {s.rank}",
                    f"race:{race.pk}",
                )
                for s in standings
            ],
            actor=actor,
        )
        for standing in standings:
            points_award(
                user=users[standing.user_id],
                kind="race",
                points=settings.RACE_FINISH_POINTS,
                idempotency_key=f"race-finish:{race.pk}:{standing.user_id}",
                reference=f"race:{race.pk}",
                description=f"Finished {race.title} at rank {standing.rank}",
            )
        archive = _archive(race, standings, users)
        transition(
            race,
            to=Race.Status.COMPLETED,
            allowed_from=[Race.Status.LIVE],
            actor=actor,
            reason=reason or "completed",
            updates={"completed_at": timezone.now()},
        )
        if race.repeat:
            race_create_next(race=race)
        if actor is not None:
            audit_log(actor=actor, action="race.complete", entity=race, request=request)
        winners = [(users[s.user_id], s) for s in standings if s.prize > 0]
        transaction.on_commit(lambda: _notify_winners(race, winners))
    return archive


def _notify_winners(race: Race, winners) -> None:
    for user, standing in winners:
        notify(
            user=user,
            category=Category.REWARDS,
            title=f"You finished {race.title} at rank {standing.rank}",
            body=f"Your prize of {standing.prize} is in your balance.",
            url=f"/races/{race.slug}/",
            key=f"race-prize:{race.pk}:{user.pk}",
        )


def _store_ranks(race: Race, standings: list[Standing]) -> None:
    by_user = {s.user_id: s for s in standings}
    rows = list(race.participants.all())
    for row in rows:
        standing = by_user.get(row.user_id)
        row.rank = standing.rank if standing else None
        row.prize = standing.prize if standing else Decimal("0.00")
    RaceParticipant.objects.bulk_update(rows, ["rank", "prize"], batch_size=500)


def _archive(race: Race, standings: list[Standing], users) -> HistoricalRace:
    archive, _ = HistoricalRace.objects.get_or_create(
        race=race,
        defaults={
            "title": race.title,
            "slug": race.slug,
            "type": race.type,
            "metric": race.metric,
            "starts_at": race.starts_at,
            "ends_at": race.ends_at,
            "prize_pool": race.prize_pool,
            "prizes_paid": sum((s.prize for s in standings), Decimal("0.00")),
            "standings": [
                {
                    "rank": s.rank,
                    "user_id": s.user_id,
                    "name": standings_name(users[s.user_id], None),
                    "score": str(s.score),
                    "prize": str(s.prize),
                }
                for s in standings
            ],
            "total_metric": sum((s.score for s in standings), Decimal("0.00")),
            "participant_count": race.participants.count(),
        },
    )
    return archive


def race_create_next(*, race: Race) -> Race:
    """The next race of the same type: starting when this one ends (a weekend race: a week
    after it started) and as long (a calendar month for monthly races), with the same
    pool, distribution and rules."""
    if race.type == Race.Type.MONTHLY:
        length = relativedelta(months=1)
    elif race.type == Race.Type.WEEKLY:
        length = relativedelta(weeks=1)
    else:
        length = race.ends_at - race.starts_at
    starts_at = race.ends_at
    if race.type == Race.Type.WEEKEND:
        # Back to back would make Monday-Tuesday a "weekend": the same days next week.
        starts_at = race.starts_at + relativedelta(weeks=1)
    slug = _free_slug(f"{slugify(race.title)[:90]}-{starts_at:%Y-%m-%d}")
    return Race.objects.create(
        title=race.title,
        slug=slug,
        type=race.type,
        prize_pool=race.prize_pool,
        prize_distribution=race.prize_distribution,
        min_metric=race.min_metric,
        metric=race.metric,
        starts_at=starts_at,
        ends_at=starts_at + length,
        rules=race.rules,
        description=race.description,
        repeat=True,
        created_by=race.created_by,
    )


def _free_slug(base: str) -> str:
    slug, n = base, 1
    while Race.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug
