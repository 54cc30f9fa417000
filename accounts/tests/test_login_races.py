"""Concurrent guesses against the login limits, on real threads, on locmem and on Redis.

Each racer has its own test Client; a response is read from its HTML, because the test
client's template capture is a global signal that threads would mix up.
"""

import time
from collections import Counter

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from config.testing import race

from .factories import PASSWORD, UserFactory

LOGIN = reverse("accounts:login")
WRONG = "wrong password"
LIMITED = "too many attempts"


@pytest.fixture(
    params=[
        "locmem",
        pytest.param("redis", marks=pytest.mark.redis),
    ]
)
def shared_cache(request, settings):
    if request.param == "locmem":
        backend = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    else:
        backend = {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": django_settings.REDIS_URL,
            "KEY_PREFIX": "savebucks-test",
        }
    settings.CACHES = {"default": backend}
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "login_account": (5, 900),
        "login_ip": (20, 600),
    }
    cache.clear()
    yield request.param
    cache.clear()


@pytest.fixture
def password_checks(monkeypatch):
    """Every password that reached the hasher; each check is made as slow as a real hash,
    so all the racers arrive while the first ones are still hashing."""
    checked = []
    verify = MD5PasswordHasher.verify

    def slow_verify(self, password, encoded):
        checked.append(password)
        time.sleep(0.2)
        return verify(self, password, encoded)

    monkeypatch.setattr(MD5PasswordHasher, "verify", slow_verify)
    return checked


def _login(email, password, ip):
    response = Client().post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR=ip)
    if b"Too many login attempts" in response.content:
        return LIMITED
    if b"Please enter a correct email and password." in response.content:
        return WRONG
    return response.status_code


@pytest.mark.django_db(transaction=True)
def test_thirty_concurrent_guesses_at_one_account_check_only_five_passwords(
    shared_cache, password_checks
):
    UserFactory(email="kim@example.com")

    outcomes = race(30, lambda i: _login("kim@example.com", f"guess-{i}", f"198.51.100.{i}"))

    assert Counter(outcomes) == {WRONG: 5, LIMITED: 25}
    assert len(password_checks) == 5


@pytest.mark.django_db(transaction=True)
def test_thirty_concurrent_guesses_from_one_address_check_only_twenty_passwords(
    shared_cache, password_checks
):
    users = UserFactory.create_batch(30)

    outcomes = race(30, lambda i: _login(users[i].email, "guess", "203.0.113.7"))

    assert Counter(outcomes) == {WRONG: 20, LIMITED: 10}
    assert len(password_checks) == 20


@pytest.mark.django_db
def test_a_login_without_the_password_does_not_clear_the_accounts_count(shared_cache):
    UserFactory(email="kim@example.com")
    for n in range(5):
        assert _login("kim@example.com", f"guess-{n}", f"198.51.100.{n}") == WRONG

    assert _login("kim@example.com", "", "198.51.100.50") == 200  # the field's own error

    assert _login("kim@example.com", PASSWORD, "198.51.100.52") == LIMITED


@pytest.mark.django_db
def test_the_owner_logging_in_clears_the_accounts_count(shared_cache):
    UserFactory(email="kim@example.com")
    for n in range(4):
        _login("kim@example.com", f"typo-{n}", "198.51.100.1")

    assert _login("kim@example.com", PASSWORD, "198.51.100.1") == 302

    for n in range(5):
        assert _login("kim@example.com", f"typo-{n}", "198.51.100.1") == WRONG
    assert _login("kim@example.com", PASSWORD, "198.51.100.1") == LIMITED


@pytest.mark.django_db
def test_successful_logins_from_one_address_give_their_attempt_back(shared_cache, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login_ip": (2, 600)}
    users = UserFactory.create_batch(4)

    assert [_login(user.email, PASSWORD, "203.0.113.7") for user in users] == [302] * 4
    assert _login(users[0].email, "guess", "203.0.113.7") == WRONG
    assert _login(users[1].email, "guess", "203.0.113.7") == WRONG
    assert _login(users[2].email, PASSWORD, "203.0.113.7") == LIMITED
