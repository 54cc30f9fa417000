from django.contrib.sessions.models import Session
from django.db.models import QuerySet
from django.utils import timezone

from .models import Referral, User, UserSession


def live_sessions(sessions: QuerySet[UserSession] | None = None) -> QuerySet[UserSession]:
    """Rows whose Django session still exists and has not expired. Django drops or
    re-keys sessions on its own (logout, key cycling, clearsessions), so liveness is
    read from the session table rather than kept in a copy."""
    alive = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
    return (sessions if sessions is not None else UserSession.objects.all()).filter(
        session_key__in=alive
    )


def active_sessions(*, user: User) -> QuerySet[UserSession]:
    return live_sessions(UserSession.objects.filter(user=user))


def referrals_of(*, user: User) -> QuerySet[Referral]:
    return Referral.objects.filter(referrer=user).select_related("referred")
