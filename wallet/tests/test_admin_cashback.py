from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import AuditLog
from accounts.tests.factories import SuperuserFactory, UserFactory
from wallet.models import CashbackEvent
from wallet.services.audit import wallet_audit

from .factories import balances, recorded_event

pytestmark = pytest.mark.django_db

URL = reverse("admin:wallet_cashbackevent_changelist")


@pytest.fixture
def staff(client):
    client.force_login(SuperuserFactory())
    return client


def _act(client, action, events, reason=""):
    return client.post(
        URL,
        {"action": action, "_selected_action": [e.pk for e in events], "reason": reason},
        follow=True,
    )


def test_confirm_now_moves_pending_to_available_and_is_audited(staff):
    user = UserFactory()
    event = recorded_event(user, cashback="6.00")

    _act(staff, "confirm_now", [event])

    assert CashbackEvent.objects.get(pk=event.pk).status == "confirmed"
    assert balances(user)["available"] == Decimal("6.00")
    log = AuditLog.objects.get(action="cashback.confirm")
    assert log.metadata == {"reason": "", "amount": "6.00"}


def test_reject_and_reverse_need_a_reason_and_move_the_money_back(staff):
    user = UserFactory()
    pending = recorded_event(user, cashback="4.00")
    confirmed = recorded_event(user, cashback="9.00", status="approved")
    _act(staff, "confirm_now", [confirmed])

    refused = _act(staff, "reject", [pending], reason="")
    _act(staff, "reject", [pending], reason="order cancelled")
    _act(staff, "reverse", [confirmed], reason="chargeback")
    again = _act(staff, "reverse", [confirmed], reason="chargeback")

    assert "Give a reason to reject" in refused.content.decode()
    statuses = dict(CashbackEvent.objects.values_list("pk", "status"))
    assert statuses == {pending.pk: "rejected", confirmed.pk: "reversed"}
    assert CashbackEvent.objects.get(pk=pending.pk).reason == "order cancelled"
    assert balances(user) == {
        "available": Decimal("0.00"),
        "pending": Decimal("0.00"),
        "hold": Decimal("0.00"),
    }
    assert "1 skipped" in again.content.decode()
    assert sorted(AuditLog.objects.values_list("action", flat=True)) == [
        "cashback.confirm",
        "cashback.reject",
        "cashback.reverse",
    ]
    assert wallet_audit() == []


def test_the_change_page_cannot_edit_money(staff):
    event = recorded_event(UserFactory(), cashback="6.00")
    url = reverse("admin:wallet_cashbackevent_change", args=[event.pk])

    staff.post(url, {"cashback_amount": "600.00", "status": "confirmed"})

    event.refresh_from_db()
    assert (event.cashback_amount, event.status) == (Decimal("6.00"), "pending")


@pytest.mark.parametrize(
    ("action", "status", "reason"),
    [("confirm_now", "pending", ""), ("reject", "pending", "fraud"), ("reverse", "approved", "x")],
)
def test_the_audit_row_commits_with_the_move_or_neither_does(
    staff, monkeypatch, action, status, reason
):
    user = UserFactory()
    event = recorded_event(user, cashback="6.00", status=status)
    before = balances(user)

    def broken_save(*args, **kwargs):
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(AuditLog, "save", broken_save)
    with pytest.raises(RuntimeError):
        _act(staff, action, [event], reason=reason)

    assert CashbackEvent.objects.get(pk=event.pk).status == "pending"
    assert balances(user) == before
    assert wallet_audit() == []
