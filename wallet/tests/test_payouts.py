import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import AuditLog
from accounts.tests.factories import PASSWORD, StaffFactory, SuperuserFactory, UserFactory
from wallet.models import Account, Payout, PayoutBatch, Withdrawal
from wallet.payouts.paypal import PayPalClient, PayPalProvider
from wallet.services.audit import wallet_audit
from wallet.services.payouts import payouts_process
from wallet.services.withdrawals import withdrawal_approve, withdrawal_request

from .factories import balances, give_available

pytestmark = pytest.mark.django_db

D = Decimal
RECORDED = Path(__file__).parent / "recorded" / "paypal"


def _withdrawal(user, amount="25.00", method="paypal", **details):
    details = details or {"paypal_email": f"{user.pk}@paypal.example"}
    return withdrawal_request(
        user=user, method_code=method, amount=D(amount), details=details, password=PASSWORD
    )


def _approved(amount="25.00", available="50.00"):
    user = UserFactory()
    give_available(user, available)
    withdrawal = _withdrawal(user, amount)
    withdrawal_approve(withdrawal=withdrawal, actor=SuperuserFactory())
    return user, withdrawal


def _platform(kind):
    return Account.objects.get(owner=None, kind=kind).balance


# --- manual ------------------------------------------------------------------------------


def test_manual_batch_exports_an_encrypted_bank_file_then_staff_mark_it_paid():
    user, withdrawal = _approved("25.00")

    report = payouts_process()

    batch = PayoutBatch.objects.get()
    assert (report.batches, report.submitted, batch.provider, batch.status) == (
        1,
        1,
        "manual",
        "submitted",
    )
    assert batch.sender_batch_id == f"SB{batch.pk:08d}"
    assert batch.total == D("24.50")
    assert f"{user.pk}@paypal.example" in batch.export_csv
    with connection.cursor() as cursor:
        cursor.execute("SELECT export_csv FROM wallet_payoutbatch WHERE id = %s", [batch.pk])
        assert "paypal.example" not in cursor.fetchone()[0]
    withdrawal.refresh_from_db()
    assert withdrawal.status == "processing"

    out = io.StringIO()
    call_command(
        "process_payouts",
        "--mark-paid",
        batch.sender_batch_id,
        "--reference",
        "BANK-77",
        stdout=out,
    )

    withdrawal.refresh_from_db()
    batch.refresh_from_db()
    assert (withdrawal.status, batch.status) == ("completed", "completed")
    assert Payout.objects.get().provider_reference == "BANK-77"
    assert balances(user) == {"available": D("25.00"), "pending": D("0.00"), "hold": D("0.00")}
    assert (_platform("payout_clearing"), _platform("fee_revenue")) == (D("24.50"), D("0.50"))
    assert AuditLog.objects.filter(action="payout_batch.mark_paid").count() == 1
    assert wallet_audit() == []


def test_process_payouts_again_creates_no_second_batch():
    _approved()
    payouts_process()

    report = payouts_process()

    assert (report.batches, report.submitted) == (0, 0)
    assert PayoutBatch.objects.count() == 1
    assert Payout.objects.count() == 1


def test_mark_paid_needs_a_reference_and_a_manual_batch():
    _approved()
    payouts_process()
    batch = PayoutBatch.objects.get()

    with pytest.raises(CommandError, match="needs --reference"):
        call_command("process_payouts", "--mark-paid", batch.sender_batch_id)
    with pytest.raises(CommandError, match="No manual payout batch 'SB-NOPE'"):
        call_command("process_payouts", "--mark-paid", "SB-NOPE", "--reference", "x")


def test_a_failed_payment_returns_the_funds(client):
    user, withdrawal = _approved("25.00")
    payouts_process()
    client.force_login(SuperuserFactory())

    client.post(
        reverse("admin:wallet_withdrawal_changelist"),
        {"action": "mark_failed", "_selected_action": [withdrawal.pk], "reason": "account closed"},
    )

    withdrawal.refresh_from_db()
    assert (withdrawal.status, withdrawal.reason) == ("failed", "account closed")
    assert balances(user) == {"available": D("50.00"), "pending": D("0.00"), "hold": D("0.00")}
    assert wallet_audit() == []


# --- PayPal against recorded responses ------------------------------------------------


class RecordedPayPal:
    """Answers like PayPal did (responses recorded in tests/recorded/paypal), and keeps
    every request made, so the test can see exactly what would have been sent."""

    def __init__(self, create="create_batch_201.json", values=None):
        self.create = create
        self.values = values or {}
        self.requests = []

    def _load(self, name):
        text = (RECORDED / name).read_text()
        for key, value in self.values.items():
            text = text.replace("{" + key + "}", str(value))
        return json.loads(text)

    def __call__(self, method, url, headers, body):
        self.requests.append(
            (method, url, json.loads(body) if body and body.startswith(b"{") else body)
        )
        if url.endswith("/v1/oauth2/token"):
            return 200, self._load("oauth_token.json")
        if method == "POST" and url.endswith("/v1/payments/payouts"):
            status = int(self.create.rsplit("_", 1)[-1].split(".")[0])
            return status, self._load(self.create)
        if method == "GET" and "/v1/payments/payouts/" in url:
            return 200, self._load("get_batch_mixed.json")
        raise AssertionError(f"unexpected call {method} {url}")


@pytest.fixture
def paypal(settings):
    settings.PAYPAL_CLIENT_ID, settings.PAYPAL_CLIENT_SECRET = "client-id", "client-secret"
    transport = RecordedPayPal()

    def providers(name):
        if name == "paypal":
            return PayPalProvider(
                PayPalClient(
                    client_id="id",
                    secret="s",
                    base_url="https://api-m.sandbox.paypal.com",
                    transport=transport,
                )
            )
        from wallet.services.payouts import get_provider

        return get_provider(name)

    return transport, providers


def test_paypal_batch_uses_our_batch_id_and_settles_each_item(paypal):
    transport, providers = paypal
    rows = [_approved(amount) for amount in ("25.00", "10.00", "20.00")]
    [(_, w1), (u2, w2), (u3, w3)] = rows
    transport.values = {
        "first_item": f"W{w1.pk}",
        "first_amount": "24.50",
        "second_item": f"W{w2.pk}",
        "second_amount": "9.80",
        "third_item": f"W{w3.pk}",
        "third_amount": "19.60",
        "total": "53.90",
    }

    report = payouts_process(providers=providers)

    batch = PayoutBatch.objects.get()
    transport.values["sender_batch_id"] = batch.sender_batch_id
    create = next(body for method, url, body in transport.requests if url.endswith("/payouts"))
    assert create["sender_batch_header"]["sender_batch_id"] == batch.sender_batch_id
    assert [(i["sender_item_id"], i["amount"]["value"]) for i in create["items"]] == [
        (f"W{w1.pk}", "24.50"),
        (f"W{w2.pk}", "9.80"),
        (f"W{w3.pk}", "19.60"),
    ]
    assert (batch.provider, batch.provider_reference) == ("paypal", "5UXD2E8A7EBQJ")
    assert (report.paid, report.failed) == (1, 1)
    statuses = {w.pk: w.status for w in Withdrawal.objects.all()}
    assert statuses == {w1.pk: "completed", w2.pk: "processing", w3.pk: "failed"}  # w2 unclaimed
    assert Payout.objects.get(withdrawal=w1).provider_reference == "0C413693MN970190K"
    assert balances(u3)["available"] == D("50.00")  # returned: the money is back
    assert balances(u2)["hold"] == D("10.00")  # still waiting to be claimed
    assert wallet_audit() == []


def test_a_5xx_on_submit_is_retried_with_the_same_batch_id_and_never_paid_twice(paypal):
    transport, providers = paypal
    _approved()
    transport.create = "server_error_500.json"

    payouts_process(providers=providers)
    batch = PayoutBatch.objects.get()
    assert (batch.status, batch.attempts, batch.last_error) == ("created", 1, "HTTP 500")

    transport.create = "duplicate_sender_batch_id_400.json"  # the first send did arrive after all
    payouts_process(providers=providers)

    batch.refresh_from_db()
    sent_ids = [
        body["sender_batch_header"]["sender_batch_id"]
        for m, url, body in transport.requests
        if url.endswith("/payouts") and m == "POST"
    ]
    assert sent_ids == [batch.sender_batch_id, batch.sender_batch_id]
    assert (batch.status, batch.provider_reference) == ("submitted", "5UXD2E8A7EBQJ")
    assert PayoutBatch.objects.count() == 1 and Payout.objects.count() == 1


def test_a_refusal_paypal_will_repeat_puts_the_batch_in_review(paypal):
    transport, providers = paypal
    _, withdrawal = _approved()
    transport.create = "validation_error_422.json"

    payouts_process(providers=providers)

    batch = PayoutBatch.objects.get()
    assert batch.status == "needs_review"
    assert batch.last_error == "HTTP 422: VALIDATION_ERROR Invalid request - see details."
    withdrawal.refresh_from_db()
    assert withdrawal.status == "processing"  # staff decide: mark paid elsewhere or failed


# --- staff -----------------------------------------------------------------------------


def test_finance_approves_and_rejects_in_bulk_with_a_reason_audited(client):
    from django.contrib.auth.models import Group

    finance = StaffFactory()
    finance.groups.add(Group.objects.get(name="Finance"))
    client.force_login(finance)
    users = [UserFactory() for _ in range(3)]
    withdrawals = []
    for user in users:
        give_available(user, "40.00")
        withdrawals.append(_withdrawal(user, "20.00"))
    url = reverse("admin:wallet_withdrawal_changelist")

    client.post(
        url, {"action": "approve", "_selected_action": [withdrawals[0].pk, withdrawals[1].pk]}
    )
    no_reason = client.post(
        url,
        {"action": "reject", "_selected_action": [withdrawals[2].pk], "reason": ""},
        follow=True,
    )
    client.post(
        url,
        {"action": "reject", "_selected_action": [withdrawals[2].pk], "reason": "suspected fraud"},
    )

    assert "Say why" in no_reason.content.decode()
    assert [Withdrawal.objects.get(pk=w.pk).status for w in withdrawals] == [
        "approved",
        "approved",
        "rejected",
    ]
    assert balances(users[2])["available"] == D("40.00")
    assert sorted(AuditLog.objects.values_list("action", flat=True)) == [
        "withdrawal.approve",
        "withdrawal.approve",
        "withdrawal.reject",
    ]
    listing = client.get(url).content.decode()
    assert 'data-test="withdrawal-totals"' in listing


def test_support_staff_cannot_approve_withdrawals(client):
    from django.contrib.auth.models import Group

    agent = StaffFactory()
    agent.groups.add(Group.objects.get(name="Support agent"))
    client.force_login(agent)
    user = UserFactory()
    give_available(user, "40.00")
    withdrawal = _withdrawal(user, "20.00")

    page = client.get(reverse("admin:wallet_withdrawal_changelist")).content.decode()
    client.post(
        reverse("admin:wallet_withdrawal_changelist"),
        {"action": "approve", "_selected_action": [withdrawal.pk]},
    )

    assert 'value="approve"' not in page
    assert Withdrawal.objects.get(pk=withdrawal.pk).status == "pending"


def test_manual_adjustment_is_finance_only_audited_and_guarded(client):
    from django.contrib.auth.models import Group

    shopper = UserFactory(email="adjust-me@example.com")
    url = reverse("admin:wallet_account_adjust")
    agent = StaffFactory()
    agent.groups.add(Group.objects.get(name="Support agent"))
    client.force_login(agent)
    assert client.get(url).status_code == 403

    finance = StaffFactory()
    finance.groups.add(Group.objects.get(name="Finance"))
    client.force_login(finance)
    form = client.get(url).context["form"]
    data = {
        "email": "adjust-me@example.com",
        "direction": "credit",
        "amount": "7.50",
        "reason": "goodwill",
        "key": form.initial["key"],
    }
    client.post(url, data)
    client.post(url, data)  # the same form sent twice
    debit = client.post(url, {**data, "direction": "debit", "amount": "10.00", "key": "other"})

    assert balances(shopper)["available"] == D("7.50")
    assert "below zero" in debit.content.decode()
    assert AuditLog.objects.filter(action="wallet.adjust").count() == 1
    assert _platform("adjustments") == D("-7.50")
    assert wallet_audit() == []


def test_withdrawals_api_lists_only_mine():
    me, other = UserFactory(), UserFactory()
    give_available(me, "40.00")
    give_available(other, "40.00")
    mine = _withdrawal(me, "10.00")
    _withdrawal(other, "10.00")
    api = APIClient()
    api.force_authenticate(me)

    assert [w["id"] for w in api.get(reverse("api-me-withdrawals")).json()["results"]] == [mine.pk]
