"""Payout batches and withdrawal payments, as Finance runs them from the admin."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import AuditLog
from accounts.tests.factories import PASSWORD, StaffFactory, SuperuserFactory, UserFactory
from wallet.models import Payout, PayoutBatch, Withdrawal
from wallet.services.audit import wallet_audit
from wallet.services.payouts import payouts_process
from wallet.services.withdrawals import withdrawal_approve, withdrawal_request

from .factories import balances, give_available

pytestmark = pytest.mark.django_db

BATCHES = reverse("admin:wallet_payoutbatch_changelist")
WITHDRAWALS = reverse("admin:wallet_withdrawal_changelist")


@pytest.fixture
def finance(client):
    staff = StaffFactory()
    staff.groups.add(Group.objects.get(name="Finance"))
    client.force_login(staff)
    client.staff = staff
    return client


def _submitted_manual_batch(amount="25.00"):
    user = UserFactory()
    give_available(user, "50.00")
    withdrawal = withdrawal_request(
        user=user,
        method_code="paypal",
        amount=Decimal(amount),
        details={"paypal_email": f"{user.pk}@paypal.example"},
        password=PASSWORD,
    )
    withdrawal_approve(withdrawal=withdrawal, actor=SuperuserFactory())
    payouts_process()
    return user, withdrawal, PayoutBatch.objects.get()


def _post(client, url, action, rows, reason=""):
    return client.post(
        url,
        {"action": action, "_selected_action": [row.pk for row in rows], "reason": reason},
        follow=True,
    )


def test_download_the_bank_file_answers_the_csv_and_audits_it(finance):
    user, _, batch = _submitted_manual_batch()

    response = finance.post(BATCHES, {"action": "download_csv", "_selected_action": [batch.pk]})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{batch.sender_batch_id}.csv"'
    )
    assert response.content.decode() == batch.export_csv
    assert f"{user.pk}@paypal.example" in response.content.decode()
    log = AuditLog.objects.get(action="payout_batch.download")
    assert (log.actor, log.entity_id) == (finance.staff, str(batch.pk))


def test_download_refuses_a_batch_without_a_file(finance):
    _, _, batch = _submitted_manual_batch()
    PayoutBatch.objects.filter(pk=batch.pk).update(export_csv="")

    response = _post(finance, BATCHES, "download_csv", [batch])

    assert "Pick exactly one manual batch that has a file." in response.content.decode()
    assert AuditLog.objects.filter(action="payout_batch.download").count() == 0


def test_mark_batch_paid_completes_its_withdrawals(finance):
    user, withdrawal, batch = _submitted_manual_batch("25.00")

    response = _post(finance, BATCHES, "mark_batch_paid", [batch], reason="BANK-77")

    assert "1 withdrawal(s) marked paid." in response.content.decode()
    withdrawal.refresh_from_db()
    batch.refresh_from_db()
    assert (withdrawal.status, batch.status) == ("completed", "completed")
    assert Payout.objects.get().provider_reference == "BANK-77"
    assert balances(user)["available"] == Decimal("25.00")
    assert wallet_audit() == []


def test_mark_paid_on_a_withdrawal_needs_the_bank_reference(finance):
    _, withdrawal, _ = _submitted_manual_batch()

    refused = _post(finance, WITHDRAWALS, "mark_paid", [withdrawal], reason="")
    assert "Give the bank&#x27;s reference" in refused.content.decode()
    assert Withdrawal.objects.get(pk=withdrawal.pk).status == "processing"

    _post(finance, WITHDRAWALS, "mark_paid", [withdrawal], reason="BANK-78")

    withdrawal.refresh_from_db()
    assert withdrawal.status == "completed"
    assert Payout.objects.get().provider_reference == "BANK-78"
    assert wallet_audit() == []
