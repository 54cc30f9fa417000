"""notify(): the one way to tell a user something, and the wallet's news told through it."""

import ast
from decimal import Decimal
from pathlib import Path

import pytest

from accounts.tests.factories import PASSWORD, SuperuserFactory, UserFactory
from support.models import Category, Notification, NotificationInbox
from support.services import notify
from wallet.services.withdrawals import withdrawal_reject, withdrawal_request
from wallet.tests.factories import give_available

pytestmark = pytest.mark.django_db


def _shown(user, **only):
    return list(
        Notification.objects.filter(user=user, **only)
        .order_by("pk")
        .values_list("title", "body", "url", "read_at")
    )


def test_notify_shows_the_notice_and_sends_one_email_after_commit(
    mailoutbox, django_capture_on_commit_callbacks
):
    user, other = UserFactory(email="told@example.com"), UserFactory()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        row = notify(
            user=user,
            category=Category.CASHBACK,
            title="Cashback confirmed",
            body="USD 4.00 is available",
            url="/",
            key="test:1",
            email_template="cashback_confirmed",
            context={"events": []},
        )
        assert mailoutbox == []  # nothing leaves before the caller's transaction commits

    assert [row.pk] == list(Notification.objects.filter(user=user).values_list("pk", flat=True))
    assert _shown(user) == [("Cashback confirmed", "USD 4.00 is available", "/", None)]
    assert _shown(other) == []
    assert len(callbacks) == 1
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["told@example.com"], "Your cashback is confirmed and ready to withdraw")
    ]
    assert NotificationInbox.objects.get(user=user).unread == 1


def test_the_same_key_twice_shows_one_notice_and_sends_one_email(
    mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory(email="once@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        first = notify(user=user, category=Category.SUPPORT, title="Reply", key="reply:7")
        second = notify(user=user, category=Category.SUPPORT, title="Reply", key="reply:7")

    assert first is not None and second is None
    assert _shown(user) == [("Reply", "", "", None)]
    assert [(m.to, m.subject) for m in mailoutbox] == [(["once@example.com"], "Reply")]
    assert NotificationInbox.objects.get(user=user).unread == 1


def test_a_rejected_withdrawal_is_told_in_the_app_and_by_email(
    mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory(email="payee@example.com")
    give_available(user, "40.00")
    with django_capture_on_commit_callbacks(execute=True):
        withdrawal = withdrawal_request(
            user=user,
            method_code="paypal",
            amount=Decimal("25.00"),
            details={"paypal_email": "payee@paypal.example"},
            password=PASSWORD,
        )
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        withdrawal_reject(withdrawal=withdrawal, actor=SuperuserFactory(), reason="Wrong account")

    # (the payout details the request saved were told as a security notice: not this one)
    assert _shown(user, category=Category.WITHDRAWALS) == [
        (
            "Your withdrawal was not approved",
            "USD 25.00 via PayPal: Wrong account",
            "/wallet/withdraw/",
            None,
        )
    ]
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["payee@example.com"], "Your withdrawal was not approved")
    ]
    assert "Reason: Wrong account" in mailoutbox[0].body


def test_notify_imports_nothing_of_the_apps_that_call_it():
    """DESIGN.md: any app may call support's notify(), which imports nothing of theirs."""
    tree = ast.parse((Path(__file__).parents[1] / "services" / "notify.py").read_text())
    imported = {
        node.module.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.level == 0
    } | {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }

    assert imported <= {"accounts", "config", "django"}
