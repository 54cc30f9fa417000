from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils import timezone

from config.request_meta import client_ip, describe_user_agent, user_agent

from ..models import User, UserSession
from ..selectors import live_sessions
from .audit import audit_log


def _session_store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def session_record(*, request, user: User) -> UserSession:
    """Remember the session a login just opened, and where it came from."""
    ip = client_ip(request)
    agent = user_agent(request)
    session, _ = UserSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": user,
            "ip": ip,
            "user_agent": agent,
            "device": describe_user_agent(agent)["label"],
        },
    )
    # Housekeeping while we are here: rows of this user's sessions that ended without a
    # logout (expired, re-keyed by a second login) are no use to anyone.
    mine = UserSession.objects.filter(user=user)
    mine.exclude(pk__in=live_sessions(mine).values("pk")).delete()
    User.objects.filter(pk=user.pk).update(last_login_ip=ip)
    return session


def session_rekey(*, old_key: str | None, new_key: str | None) -> None:
    """Follow Django's cycle_key() (after a password change) so "this browser" stays put."""
    if old_key and new_key and old_key != new_key:
        UserSession.objects.filter(session_key=old_key).update(session_key=new_key)


def session_forget(*, session_key: str | None) -> None:
    """The session ended by logging out: nothing left to revoke."""
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()


def _revoke(sessions) -> int:
    """End these sessions; the count is of those that were still alive."""
    keys = list(sessions.values_list("session_key", flat=True))
    alive = live_sessions(UserSession.objects.filter(session_key__in=keys)).count()
    store = _session_store()
    for key in keys:
        store(session_key=key).delete()
    UserSession.objects.filter(session_key__in=keys).delete()
    return alive


def session_revoke(*, user: User, session_id: int) -> None:
    """Log out one of the user's own sessions; another user's id is a 404."""
    session = get_object_or_404(UserSession, pk=session_id, user=user)
    _revoke(UserSession.objects.filter(pk=session.pk))


def session_revoke_others(*, user: User, keep_session_key: str | None) -> int:
    return _revoke(UserSession.objects.filter(user=user).exclude(session_key=keep_session_key))


def session_revoke_all(*, user: User) -> int:
    return _revoke(UserSession.objects.filter(user=user))


def sessions_end_by_staff(*, user: User, actor, request=None) -> int:
    """Staff log a user out everywhere (a stolen password, a shared device); audited."""
    revoked = session_revoke_all(user=user)
    audit_log(
        actor=actor,
        action="user.logout_everywhere",
        entity=user,
        metadata={"sessions": revoked},
        request=request,
    )
    return revoked


def sessions_clear_expired() -> int:
    """Daily: Django's `clearsessions` (expired rows out of the session store), then the
    "active sessions" rows left behind by sessions that ended without a logout. Returns
    how many of those went.

    Only rows a day old: a login records its row a moment before its session is saved."""
    _session_store().clear_expired()
    stale = UserSession.objects.filter(created_at__lt=timezone.now() - timedelta(days=1))
    return stale.exclude(pk__in=live_sessions().values("pk")).delete()[0]
