"""Races decided by the database and the cache, with real threads on real services."""

from types import SimpleNamespace

import pytest

from accounts import ratelimit
from accounts.models import Referral, User
from accounts.ratelimit import RateLimit
from accounts.refusals import AccountRefused
from accounts.services import user_signup
from config.testing import race

from .factories import UserFactory


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_signups_for_one_address_create_exactly_one_account():
    referrer = UserFactory(email="ria@example.com")

    results = race(
        20,
        lambda i: user_signup(
            email="Race@Example.com",
            password="plum-orchard-42",
            first_name=f"Racer{i}",
            referral_code=referrer.referral_code,
            base_url="http://testserver/",
        ),
    )

    created = [r for r in results if isinstance(r, User)]
    refused = [r for r in results if isinstance(r, AccountRefused)]
    assert len(created) == 1
    assert len(refused) == 19
    assert {(e.code, e.field, e.detail) for e in refused} == {
        ("email_taken", "email", "An account with this email already exists.")
    }
    assert User.objects.filter(email="race@example.com").count() == 1
    assert Referral.objects.count() == 1


@pytest.mark.redis
def test_rate_limit_counts_exactly_under_concurrency(settings, monkeypatch):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login_ip": (1000, 600)}
    # One window for the whole test: run across a ten-minute edge, the hits and the count
    # would read two different windows.
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: 1_800_000_000.0))
    limit = RateLimit("login_ip")

    results = race(40, lambda i: limit.hit("203.0.113.9"))

    assert sorted(results) == list(range(1, 41))
    assert limit.count("203.0.113.9") == 40
