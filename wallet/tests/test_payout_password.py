"""Issue 10, point 6: the password asked again for new payout details is rate-limited
per account (counted before it is checked), every failure is audited, and the shopper is
told by email when new payout details are used."""

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import AuditLog
from accounts.tests.factories import PASSWORD, UserFactory
from wallet.models import Transaction, Withdrawal

from .factories import balances, give_available

pytestmark = pytest.mark.django_db

D = Decimal
WITHDRAWALS = reverse("api-me-withdrawals")
SUBJECT = "Your SaveBucks payout details changed"


def _ask(api, password, email="new@paypal.example"):
    payload = {"method": "paypal", "amount": "10.00", "paypal_email": email}
    if password is not None:
        payload["password"] = password
    return api.post(WITHDRAWALS, payload, format="json")


def test_five_wrong_passwords_then_even_the_right_one_is_refused():
    user = UserFactory()
    give_available(user, "50.00")
    api = APIClient()
    api.force_authenticate(user)
    before = (balances(user), Transaction.objects.count())

    wrong = [_ask(api, f"guess-{i}") for i in range(5)]
    right = _ask(api, PASSWORD)

    assert [(r.status_code, r.json()["code"]) for r in wrong] == [(400, "wrong_password")] * 5
    assert (right.status_code, right.json()["code"], right.json()["field"]) == (
        429,
        "too_many_attempts",
        "password",
    )
    assert right.json()["detail"].startswith("Too many password attempts.")
    assert (balances(user), Transaction.objects.count()) == before
    assert Withdrawal.objects.count() == 0
    assert (
        AuditLog.objects.filter(
            action="reauth.wrong_password", actor=user, entity_id=str(user.pk)
        ).count()
        == 5
    )
    assert AuditLog.objects.filter(action="reauth.throttled", actor=user).count() == 1
    assert AuditLog.objects.get(action="reauth.throttled").metadata == {
        "purpose": "withdrawal",
        "attempts": 6,
    }
    assert mail.outbox == []


def test_the_limit_is_per_account():
    victim, other = UserFactory(), UserFactory()
    give_available(other, "50.00")
    api = APIClient()
    api.force_authenticate(victim)
    for i in range(6):
        _ask(api, f"guess-{i}")
    api.force_authenticate(other)

    assert _ask(api, PASSWORD).status_code == 201


def test_new_payout_details_are_told_by_email(django_capture_on_commit_callbacks):
    user = UserFactory(email="payee@example.com")
    give_available(user, "50.00")
    api = APIClient()
    api.force_authenticate(user)

    with django_capture_on_commit_callbacks(execute=True):
        first = _ask(api, PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        same_again = _ask(api, None)  # the details used before: no password, no email

    assert (first.status_code, same_again.status_code) == (201, 201)
    assert [(m.to, m.subject) for m in mail.outbox] == [(["payee@example.com"], SUBJECT)]
    assert "PayPal withdrawals" in mail.outbox[0].body
