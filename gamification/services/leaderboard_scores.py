"""What each leaderboard type counts in a period: one set-based query each (GROUP BY
shopper), its score and when the shopper reached it (the last contributing row), which
settles the remainder cent of a tie (services.ranking)."""

from decimal import Decimal

from django.conf import settings
from django.db.models import Count, F, Max, Q, Sum

from accounts.models import Referral, User
from wallet.models import CashbackEvent

from ..models import Activity, Leaderboard
from .leaderboard_periods import Period
from .race_scores import scores_for_race

Type = Leaderboard.Type
# Deleted and suspended shoppers are not ranked; hidden ones are, under another name.
RANKED = Q(deleted_at__isnull=True, status__in=User.LOGIN_STATUSES)


def _ranked(prefix: str) -> Q:
    return Q(**{f"{prefix}__{k}": v for k, v in RANKED.children})


def _between(field: str, period: Period) -> Q:
    q = Q(**{f"{field}__gte": period.start_at})
    return q & Q(**{f"{field}__lt": period.end_at}) if period.end_at else q


def _earnings(period: Period):
    # Confirmed in the period, by when it confirmed (the money became the shopper's then);
    # reversed later means taken back, so it no longer counts. Platform currency only.
    return (
        CashbackEvent.objects.filter(
            _between("confirmed_at", period),
            _ranked("user"),
            status=CashbackEvent.Status.CONFIRMED,
            currency=settings.PLATFORM_CURRENCY,
        )
        .values("user_id")
        .annotate(score=Sum("cashback_amount"), reached=Max("confirmed_at"))
    )


def _referrals(period: Period):
    return (
        Referral.objects.filter(_between("activated_at", period), _ranked("referrer"))
        .values(user_id=F("referrer_id"))
        .annotate(score=Count("id"), reached=Max("activated_at"))
    )


def _points(period: Period):
    # What was earned: corrections and redemptions are not achievements.
    return (
        Activity.objects.filter(_between("created_at", period), _ranked("user"), points__gt=0)
        .exclude(kind__in=[Activity.Kind.CORRECTION, Activity.Kind.REDEMPTION])
        .values("user_id")
        .annotate(score=Sum("points"), reached=Max("created_at"))
    )


QUERIES = {Type.EARNINGS: _earnings, Type.REFERRALS: _referrals, Type.POINTS: _points}


def leaderboard_scores(*, board: Leaderboard, period: Period) -> list[tuple]:
    """Every qualifying shopper's (user_id, score, reached), best first (score down, then
    who reached it first): at least min_score, above zero. Plain rows, sorted by the
    database: a monthly board ranks a hundred thousand shoppers every five minutes."""
    floor = max(Decimal(board.min_score or 0), Decimal("0"))
    if board.type == Type.RACE:
        race = [s for s in scores_for_race(board.race_slug) if s.score > 0 and s.score >= floor]
        return sorted(race, key=lambda s: (-s.score, s.reached, s.user_id))
    return list(
        QUERIES[board.type](period)
        .filter(score__gt=0, score__gte=floor)
        .order_by("-score", "reached", "user_id")
        .values_list("user_id", "score", "reached")
    )
