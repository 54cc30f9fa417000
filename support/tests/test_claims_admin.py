"""Claims through the admin, as staff use it: the changelist actions posted by each role,
including the roles that must be refused."""

import csv
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import AuditLog
from accounts.tests.factories import StaffFactory, UserFactory
from offers.tests.factories import MerchantFactory
from support.models import ClaimBatch, MissingCashbackClaim
from wallet.models import CashbackEvent, Transaction
from wallet.services.audit import wallet_audit
from wallet.tests.factories import balances

from .factories_claims import click_days_ago, file_claim, ready_claim

pytestmark = pytest.mark.django_db

D = Decimal
Status = MissingCashbackClaim.Status
CHANGELIST = "admin:support_missingcashbackclaim_changelist"


def _staff(client, role):
    staff = StaffFactory()
    staff.groups.add(Group.objects.get(name=role))
    client.force_login(staff)
    return staff


def _action(client, action, claims, **extra):
    return client.post(
        reverse(CHANGELIST),
        {"action": action, "_selected_action": [c.pk for c in claims], **extra},
    )


def _messages(response):
    return [str(m) for m in response.wsgi_request._messages]


def test_a_support_agent_sees_the_queue_filtered_by_status():
    from django.test import Client

    client = Client()
    _staff(client, "Support agent")
    ready_claim(UserFactory(), order_id="R-1")
    file_claim(UserFactory(), order_id="I-1")

    page = client.get(reverse(CHANGELIST), {"status__exact": "ready"})

    assert page.status_code == 200
    assert "R-1" in page.content.decode() and "I-1" not in page.content.decode()


def test_batching_ready_claims_of_one_network_answers_the_csv_and_is_audited(client):
    agent = _staff(client, "Support agent")
    shopper = UserFactory()
    merchant = MerchantFactory(name="=cmd|' /C calc'!A0", confirmation_days=30)
    first = ready_claim(shopper, click=click_days_ago(shopper, 10, merchant), order_id="A-1")
    second = ready_claim(shopper, click=click_days_ago(shopper, 10, merchant), order_id="A-2")
    on_ice = file_claim(shopper, click=click_days_ago(shopper, 10, merchant), order_id="A-3")

    response = _action(client, "send_in_batch", [first, second, on_ice])

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    [batch] = ClaimBatch.objects.all()
    assert (batch.network_id, batch.claim_count, batch.created_by) == (
        merchant.network_id,
        2,
        agent,
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "claim_id",
        "click_id",
        "order_id",
        "order_date",
        "order_amount",
        "currency",
        "merchant",
        "shopper_id",
        "clicked_at",
    ]
    assert [row[0] for row in rows[1:]] == [str(first.pk), str(second.pk)]
    assert rows[1][1:3] == [str(first.click_uuid), "A-1"]
    assert rows[1][4:8] == ["120.50", "USD", "'=cmd|' /C calc'!A0", str(shopper.pk)]
    assert shopper.email not in response.content.decode()
    statuses = dict(MissingCashbackClaim.objects.values_list("order_id", "status"))
    assert statuses == {"A-1": "submitted", "A-2": "submitted", "A-3": "on_ice"}
    assert AuditLog.objects.filter(action="support.claim_batch", actor=agent).count() == 1
    # Batching them again finds nothing ready: no second batch.
    again = _action(client, "send_in_batch", [first, second])
    assert "No ready claims" in _messages(again)[0]
    assert ClaimBatch.objects.count() == 1


def test_claims_of_two_networks_make_two_batches_each_downloadable(client):
    _staff(client, "Support agent")
    one, two = (
        ready_claim(UserFactory(), order_id="N-1"),
        ready_claim(UserFactory(), order_id="N-2"),
    )

    response = _action(client, "send_in_batch", [one, two])

    assert response.status_code == 302
    batches = list(ClaimBatch.objects.order_by("network_id"))
    assert [b.claim_count for b in batches] == [1, 1]
    for batch, claim in zip(batches, sorted([one, two], key=lambda c: c.network_id), strict=True):
        download = client.get(reverse("admin:support_claimbatch_csv", args=[batch.pk]))
        assert download.status_code == 200
        assert download.content.decode().splitlines()[1].startswith(f"{claim.pk},")


def test_approve_asks_for_the_amount_then_creates_one_pending_event(client):
    _staff(client, "Support agent")
    shopper = UserFactory()
    claim = ready_claim(shopper)

    form = _action(client, "approve", [claim])
    assert form.status_code == 200 and b'name="cashback"' in form.content
    bad = _action(client, "approve", [claim], apply="1", cashback="-1")
    assert bad.status_code == 200 and CashbackEvent.objects.count() == 0
    done = _action(client, "approve", [claim], apply="1", cashback="7.50")
    _action(client, "approve", [claim], apply="1", cashback="7.50")

    assert done.status_code == 302
    claim.refresh_from_db()
    assert claim.status == Status.APPROVED
    [event] = CashbackEvent.objects.all()
    assert (event.cashback_amount, event.commission) == (D("7.50"), D("7.50"))
    assert balances(shopper)["pending"] == D("7.50")
    assert wallet_audit() == []


def test_reject_without_a_reason_is_a_message_and_nothing_changes(client):
    _staff(client, "Support agent")
    claim = ready_claim(UserFactory())

    refused = _action(client, "reject", [claim], reason="")
    claim.refresh_from_db()
    assert claim.status == Status.READY
    assert "Say why" in _messages(refused)[0]

    _action(client, "reject", [claim], reason="Cancelled order")
    claim.refresh_from_db()
    assert (claim.status, claim.reason) == (Status.REJECTED, "Cancelled order")


def test_finance_pays_goodwill_through_the_admin(client):
    shopper = UserFactory()
    claim = ready_claim(shopper)
    MissingCashbackClaim.objects.filter(pk=claim.pk).update(status=Status.REJECTED)
    finance = _staff(client, "Finance")

    form = _action(client, "goodwill", [claim])
    assert form.status_code == 200 and b'name="amount"' in form.content
    _action(client, "goodwill", [claim], apply="1", amount="3.00")
    again = _action(client, "goodwill", [claim], apply="1", amount="3.00")

    assert "already had its goodwill credit" in " ".join(_messages(again))
    assert balances(shopper)["available"] == D("3.00")
    assert AuditLog.objects.filter(action="support.claim_goodwill", actor=finance).count() == 1
    assert wallet_audit() == []


def test_a_support_agent_is_refused_goodwill_through_the_admin_and_nothing_moves(client):
    shopper = UserFactory()
    claim = ready_claim(shopper)
    MissingCashbackClaim.objects.filter(pk=claim.pk).update(status=Status.REJECTED)
    _staff(client, "Support agent")

    response = _action(client, "goodwill", [claim], apply="1", amount="3.00")

    # Not an action this role has: the changelist says so, nothing is paid.
    assert response.status_code == 302
    assert "No action selected" in " ".join(_messages(response))
    assert balances(shopper)["available"] == D("0.00")
    assert Transaction.objects.count() == 0


def test_finance_may_not_approve_or_batch(client):
    claim = ready_claim(UserFactory())
    _staff(client, "Finance")

    for action in ("approve", "send_in_batch", "reject"):
        _action(client, action, [claim], apply="1", cashback="5.00", reason="x")

    claim.refresh_from_db()
    assert claim.status == Status.READY
    assert (ClaimBatch.objects.count(), CashbackEvent.objects.count()) == (0, 0)


def test_an_agent_cannot_approve_their_own_claim_in_the_admin(client):
    agent = _staff(client, "Support agent")
    claim = ready_claim(agent)

    response = _action(client, "approve", [claim], apply="1", cashback="5.00")

    assert "your own account" in " ".join(_messages(response))
    claim.refresh_from_db()
    assert claim.status == Status.READY
    assert CashbackEvent.objects.count() == 0


def test_staff_without_a_support_role_cannot_see_claims_or_batches(client):
    _staff(client, "Content editor")
    claim = ready_claim(UserFactory())

    assert client.get(reverse(CHANGELIST)).status_code == 403
    assert _action(client, "send_in_batch", [claim]).status_code == 403
    assert ClaimBatch.objects.count() == 0
