"""The compiled matcher's periodic refresh: kept when nothing changed (compiling 10,000
rules stalls a 404 for ~0.3 s), rebuilt when anything did, by one thread of a process."""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cms.models import RedirectRule
from cms.services import redirect_rules
from cms.services.redirect_rules import active_matcher
from config import row_cache
from config.row_cache import rows_changed
from config.testing import race

from .factories_redirects import rule


@pytest.fixture
def clock(monkeypatch):
    class Clock:
        now = 1000.0

    moved = Clock()
    monkeypatch.setattr(row_cache, "clock", lambda: moved.now)
    return moved


def _target(path):
    found = active_matcher().find(path)
    return found[0].target if found else None


@pytest.mark.django_db
def test_the_refresh_after_max_row_age_keeps_the_matcher_for_one_query(clock):
    rule("/a/", "/stores/")
    before = active_matcher()
    clock.now += row_cache.MAX_ROW_AGE + 1

    with CaptureQueriesContext(connection) as captured:
        after = active_matcher()

    assert after is before
    assert len(captured) == 1  # the fingerprint: count and latest change of the rules


@pytest.mark.django_db
def test_the_refresh_still_sees_a_change_whose_version_bump_was_lost(clock):
    kept, dropped = rule("/a/", "/stores/"), rule("/b/", "/stores/")
    rule("/c/", "/stores/")
    assert (_target("/a/"), _target("/b/")) == ("/stores/", "/stores/")
    # Written without a signal and without rows_changed: as if Redis missed the bump.
    RedirectRule.objects.filter(pk=kept.pk).update(target="/deals/", updated_at=timezone.now())
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM cms_redirectrule WHERE id = %s", [dropped.pk])
    assert _target("/a/") == "/stores/"  # within MAX_ROW_AGE, as before the review

    clock.now += row_cache.MAX_ROW_AGE + 1

    assert (_target("/a/"), _target("/b/"), _target("/c/")) == ("/deals/", None, "/stores/")


@pytest.mark.django_db
def test_a_version_bump_rebuilds_even_when_the_fingerprint_stands(clock):
    saved = rule("/a/", "/stores/")
    assert _target("/a/") == "/stores/"
    RedirectRule.objects.filter(pk=saved.pk).update(target="/deals/")  # updated_at unchanged

    rows_changed(RedirectRule)

    assert _target("/a/") == "/deals/"


@pytest.mark.django_db
def test_a_slug_change_re_pointing_rules_moves_their_updated_at(django_capture_on_commit_callbacks):
    from offers.tests.factories import MerchantFactory

    store = MerchantFactory(slug="acme")
    staff = rule("/acme-deals/", "/store/acme/")
    RedirectRule.objects.filter(pk=staff.pk).update(updated_at=timezone.now().replace(year=2020))

    with django_capture_on_commit_callbacks(execute=True):
        store.slug = "acme-2"
        store.save()

    staff.refresh_from_db()
    assert staff.target == "/store/acme-2/"
    assert staff.updated_at.year == timezone.now().year


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_threads_finding_the_rules_dropped_compile_them_once(monkeypatch):
    rule("/a/", "/stores/")
    compiled = []
    build = redirect_rules.matcher_build

    def slow_build(rules=None):
        compiled.append(1)
        time.sleep(0.2)  # what 10,000 rules take, roughly: every thread arrives meanwhile
        return build(rules)

    monkeypatch.setattr(redirect_rules, "matcher_build", slow_build)
    redirect_rules.compiled_rules.forget()

    matchers = race(8, lambda i: active_matcher())

    assert len(compiled) == 1
    assert all(matcher is matchers[0] for matcher in matchers)
    assert matchers[0].find("/a/")[0].target == "/stores/"
