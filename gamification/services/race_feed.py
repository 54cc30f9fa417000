"""The partner's stats feed (seed 004): fetch, validate whole, then update live races.

`GET RACE_STATS_URL` with `Authorization: Bearer RACE_STATS_API_KEY` answers
`{"data": {"monthly": {"data": [{"uid", "name", "wagered": {"today", "this_week",
"this_month", "all_time"}}]}}}`. The request goes through affiliates.outbound (https,
public addresses only, no redirects, one deadline for the whole exchange) and reads at
most RACE_STATS_MAX_BYTES. Every row is checked before anything is written: one bad
number (NaN, negative, a boolean, a missing key) rejects the whole answer, because a
half-applied feed would rank shoppers against figures from two different moments.
The token is never logged and no message here carries it or the answer's body.
"""

import http.client
import json
import logging
import time
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from affiliates import outbound
from config.errors import Refusal
from config.money import InvalidAmount, money, parse_number
from support.models import Category
from support.services import notify

from ..models import ExternalAccount, Race, RaceParticipant
from .races import race_rerank

log = logging.getLogger(__name__)

FIELDS = ("today", "this_week", "this_month", "all_time")
# Larger than any real total; keeps every figure inside the participant columns.
MAX_FIGURE = Decimal("1000000000000")


class RaceFeedNotConfigured(Refusal):
    code = "race_feed_not_configured"


class RaceFeedFailed(Refusal):
    code = "race_feed_failed"


@dataclass(frozen=True)
class SyncReport:
    rows: int
    races: int
    updated: int


def race_stats_fetch() -> bytes:
    """The feed's raw answer, after up to three tries on connection errors and 5xx."""
    url, token = settings.RACE_STATS_URL, settings.RACE_STATS_API_KEY
    if not url:
        raise RaceFeedNotConfigured(detail="RACE_STATS_URL is not set.")
    allow_private = settings.RACE_STATS_ALLOW_PRIVATE
    if urlsplit(url).scheme != "https" and not allow_private:
        raise RaceFeedNotConfigured(detail="RACE_STATS_URL must be an https:// URL.")
    limit = settings.RACE_STATS_MAX_BYTES
    delay = settings.RACE_STATS_RETRY_DELAY
    for attempt in range(1, 4):
        try:
            result = outbound.send(
                "GET",
                url,
                headers={
                    "User-Agent": "SaveBucks-RaceStats/1.0",
                    "Accept": "application/json",
                    "Authorization": f"Bearer {token}",
                },
                timeout=settings.RACE_STATS_TIMEOUT,
                max_bytes=limit + 1,
                allow_private=allow_private,
            )
        except outbound.UnsafeTarget as exc:
            raise RaceFeedNotConfigured(detail=f"RACE_STATS_URL: {exc.detail}") from None
        except (OSError, http.client.HTTPException) as exc:
            problem = (str(exc) or type(exc).__name__).replace(token, "…") if token else str(exc)
            failure = f"the request failed ({problem or type(exc).__name__})"
        else:
            if 200 <= result.status < 300:
                body = result.body.encode()
                if len(body) > limit:
                    raise RaceFeedFailed(
                        detail=f"The answer is larger than RACE_STATS_MAX_BYTES ({limit})."
                    )
                return body
            if result.status < 500:
                raise RaceFeedFailed(detail=f"The feed answered HTTP {result.status}.")
            failure = f"the feed answered HTTP {result.status}"
        log.warning("race stats: try %s of 3: %s", attempt, failure)
        if attempt < 3:
            time.sleep(delay * 2 ** (attempt - 1))
    raise RaceFeedFailed(detail=f"Three tries failed; the last: {failure}.")


def _reject_constant(name):
    raise ValueError(f"{name} is not a number")


def race_stats_parse(body: bytes) -> dict[str, dict[str, Decimal]]:
    """{uid: {field: figure}} of a whole, valid answer, or RaceFeedFailed naming the
    first problem."""
    try:
        data = json.loads(body, parse_float=Decimal, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        raise RaceFeedFailed(detail="The answer is not JSON.") from None
    try:
        rows = data["data"]["monthly"]["data"]
    except (KeyError, TypeError):
        raise RaceFeedFailed(detail="The answer has no data.monthly.data list.") from None
    if not isinstance(rows, list):
        raise RaceFeedFailed(detail="data.monthly.data is not a list.")
    stats: dict[str, dict[str, Decimal]] = {}
    for position, row in enumerate(rows):
        where = f"data.monthly.data[{position}]"
        if not isinstance(row, dict):
            raise RaceFeedFailed(detail=f"{where} is not an object.")
        uid, name, wagered = row.get("uid"), row.get("name"), row.get("wagered")
        if not isinstance(uid, str) or not uid or len(uid) > 100:
            raise RaceFeedFailed(detail=f"{where}.uid is not a string of 1 to 100 characters.")
        if not isinstance(name, str):
            raise RaceFeedFailed(detail=f"{where}.name is not a string.")
        if not isinstance(wagered, dict):
            raise RaceFeedFailed(detail=f"{where}.wagered is not an object.")
        if uid in stats:
            raise RaceFeedFailed(detail=f"{where}: uid appears twice.")
        stats[uid] = {field: _figure(wagered, field, f"{where}.wagered") for field in FIELDS}
    return stats


def _figure(wagered: dict, field: str, where: str) -> Decimal:
    if field not in wagered:
        raise RaceFeedFailed(detail=f"{where}.{field} is missing.")
    raw = wagered[field]
    if isinstance(raw, bool) or not isinstance(raw, int | Decimal | str):
        raise RaceFeedFailed(detail=f"{where}.{field} is not a number.")
    try:
        value = parse_number(raw)
    except InvalidAmount:
        raise RaceFeedFailed(detail=f"{where}.{field} is not a number.") from None
    if value < 0 or value > MAX_FIGURE:
        raise RaceFeedFailed(detail=f"{where}.{field} is out of range.")
    return money(value)


def race_stats_sync(*, now=None) -> SyncReport:
    """Fetch, validate and apply; a refusal leaves every race as it was."""
    try:
        stats = race_stats_parse(race_stats_fetch())
    except RaceFeedFailed as exc:
        log.warning("race stats rejected, nothing changed: %s", exc.detail)
        raise
    return race_stats_apply(stats=stats, now=now)


def race_stats_apply(*, stats: dict[str, dict[str, Decimal]], now=None) -> SyncReport:
    now = now or timezone.now()
    links = dict(
        ExternalAccount.objects.filter(
            provider=ExternalAccount.Provider.PARTNER,
            uid__in=list(stats),
            verified_at__isnull=False,
            user__deleted_at__isnull=True,
            user__status=User.Status.ACTIVE,
        ).values_list("user_id", "uid")
    )
    # A race past its end waits for completion: figures read after the end would count
    # play that happened after the finish line.
    races = list(
        Race.objects.filter(status=Race.Status.LIVE, starts_at__lte=now, ends_at__gt=now).order_by(
            "pk"
        )
    )
    updated = 0
    for race in races:
        updated += _apply_to_race(race, links, stats, now)
    return SyncReport(rows=len(stats), races=len(races), updated=updated)


def _apply_to_race(race: Race, links: dict[int, str], stats, now) -> int:
    cap = settings.RACE_HISTORY_POINTS
    with transaction.atomic():
        # The lock keeps a completion (which locks the race too) from reading half a sync.
        race = Race.objects.select_for_update().get(pk=race.pk)
        if race.status != Race.Status.LIVE:
            return 0
        rows = {p.user_id: p for p in race.participants.all()}
        before = {user_id: row.prize > 0 for user_id, row in rows.items()}
        new, changed = [], []
        for user_id, uid in links.items():
            figures = stats[uid]
            row = rows.get(user_id)
            if row is None:
                row = RaceParticipant(race=race, user_id=user_id, joined_at=now)
                new.append(row)
            else:
                changed.append(row)
            if race.metric == Race.Metric.GROWTH:
                if row.baseline is None:
                    row.baseline = figures["all_time"]
                # A partner's correction downwards does not take the score below zero.
                total = max(figures["all_time"] - row.baseline, Decimal("0.00"))
            else:
                total = figures[race.metric]
            if row.reached_at is None or total != row.total:
                row.reached_at = now
            row.total = total
            row.history = [*row.history, {"at": now.isoformat(), "total": str(total)}][-cap:]
        RaceParticipant.objects.bulk_create(new, batch_size=500)
        RaceParticipant.objects.bulk_update(
            changed, ["total", "baseline", "reached_at", "history"], batch_size=500
        )
        moves = race_rerank(race)
        race.synced_at = now
        race.save(update_fields=["synced_at"])
        transaction.on_commit(lambda: _notify_moves(race, before, moves))
    return len(new) + len(changed)


def _notify_moves(race: Race, before: dict[int, bool], rows: dict[int, RaceParticipant]):
    """Tell shoppers who moved into or out of the prize places (not every rank change)."""
    url = f"/races/{race.slug}/"
    for user_id, row in rows.items():
        was, now_in = before.get(user_id, False), row.prize > 0
        if was == now_in:
            continue
        if now_in:
            title = f"You are in the prize places of {race.title}"
            body = f"Rank {row.rank}: a prize of {row.prize} if the race ended now."
        else:
            title = f"You dropped out of the prize places of {race.title}"
            body = "Others overtook you; there is still time to climb back."
        # A shopper may move in and out many times: each move is its own notice.
        move = "in" if now_in else "out"
        notify(
            user=row.user,
            category=Category.REWARDS,
            title=title,
            body=body,
            url=url,
            key=f"race-move:{race.pk}:{user_id}:{move}:{timezone.now().isoformat()}",
        )
