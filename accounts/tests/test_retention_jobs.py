"""The daily retention jobs: expired sessions (and the session-list rows they leave) and
long-closed accounts, each a beat entry, a task and a command."""

import io
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import User, UserSession
from accounts.tasks import clear_sessions, purge_deleted_users
from config.celery import app

from .factories import UserFactory

pytestmark = pytest.mark.django_db


def _session(key, *, expires_in, user=None, age=timedelta(days=2)):
    Session.objects.create(
        session_key=key, session_data="", expire_date=timezone.now() + expires_in
    )
    if user is not None:
        UserSession.objects.create(user=user, session_key=key, created_at=timezone.now() - age)


def test_clear_sessions_drops_expired_sessions_and_their_list_rows():
    user = UserFactory()
    _session("live", expires_in=timedelta(days=1), user=user)
    _session("expired", expires_in=-timedelta(seconds=1), user=user)
    _session("anonymous-expired", expires_in=-timedelta(days=3))
    # A login records its row a moment before its session is saved: young rows stay.
    UserSession.objects.create(user=user, session_key="logging-in")

    result = clear_sessions()

    assert result == {"session_rows": 1}
    assert list(Session.objects.values_list("session_key", flat=True)) == ["live"]
    assert sorted(UserSession.objects.values_list("session_key", flat=True)) == [
        "live",
        "logging-in",
    ]


def test_purge_task_anonymises_accounts_closed_longer_than_the_setting():
    days = settings.ACCOUNT_PURGE_AFTER_DAYS
    old = UserFactory(deleted_at=timezone.now() - timedelta(days=days + 1))
    recent = UserFactory(email="recent@example.com", deleted_at=timezone.now() - timedelta(days=1))

    assert purge_deleted_users() == {"purged": 1}
    assert purge_deleted_users() == {"purged": 0}  # once only

    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.email == f"deleted-{old.pk}@deleted.invalid"
    assert recent.email == "recent@example.com"


def test_purge_command_dry_run_changes_nothing_and_bad_days_are_refused():
    UserFactory(email="old@example.com", deleted_at=timezone.now() - timedelta(days=40))
    out = io.StringIO()

    call_command("purge_deleted_users", "--days", "30", "--dry-run", stdout=out)
    with pytest.raises(CommandError) as refused:
        call_command("purge_deleted_users", "--days", "-1")

    assert out.getvalue().startswith("would purge 1 account(s) closed before ")
    assert str(refused.value) == "--days cannot be negative."
    for days in ("1000000", "9999999999"):  # before year 1: was an OverflowError traceback
        with pytest.raises(CommandError) as too_far:
            call_command("purge_deleted_users", "--days", days, "--dry-run")
        assert str(too_far.value) == "--days must be at most 100000."
    assert User.objects.filter(email="old@example.com").exists()


def test_every_retention_job_is_scheduled_and_registered():
    schedule = settings.CELERY_BEAT_SCHEDULE
    tasks = {name: schedule[name]["task"] for name in schedule}

    assert {
        name: tasks[name] for name in ("clear-sessions", "purge-deleted-users", "prune-raw-data")
    } == {
        "clear-sessions": "accounts.tasks.clear_sessions",
        "purge-deleted-users": "accounts.tasks.purge_deleted_users",
        "prune-raw-data": "tracking.tasks.prune_raw_data",
    }
    app.loader.import_default_modules()
    assert set(tasks.values()) <= set(app.tasks)
