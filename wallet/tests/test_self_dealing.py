"""Issue 10, point 7: nobody moves their own money as staff, and large manual
adjustments need a second staff member (four eyes), through the admin as staff use it."""

import uuid
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import AuditLog
from accounts.services.own_account import OwnAccountRefused
from accounts.tests.factories import PASSWORD, StaffFactory, UserFactory
from config.testing import race
from wallet.models import AdjustmentRequest, Payout, Transaction, Withdrawal
from wallet.services.adjustments import adjustment_approve, adjustment_request
from wallet.services.audit import wallet_audit
from wallet.services.confirmation import cashback_confirm
from wallet.services.payouts import payouts_process
from wallet.services.withdrawals import withdrawal_approve, withdrawal_request

from .factories import balances, give_available, recorded_event

D = Decimal
ADJUST = reverse("admin:wallet_account_adjust")
REQUESTS = reverse("admin:wallet_adjustmentrequest_changelist")
WITHDRAWALS = reverse("admin:wallet_withdrawal_changelist")


def _finance(**fields):
    staff = StaffFactory(**fields)
    staff.groups.add(Group.objects.get(name="Finance"))
    return staff


def _adjust_form(client, email, amount, direction="credit"):
    key = client.get(ADJUST).context["form"].initial["key"]
    return client.post(
        ADJUST,
        {
            "email": email,
            "direction": direction,
            "amount": amount,
            "reason": "goodwill",
            "key": key,
        },
        follow=True,
    )


def _money_state():
    return (
        Transaction.objects.count(),
        AdjustmentRequest.objects.count(),
        sorted(Withdrawal.objects.values_list("pk", "status")),
    )


@pytest.mark.django_db
def test_finance_cannot_adjust_its_own_balance_and_nothing_changes(client):
    finance = _finance()
    client.force_login(finance)
    before = (balances(finance), _money_state(), AuditLog.objects.count())

    page = _adjust_form(client, finance.email, "50.00")

    assert "You cannot adjust the balance on your own account" in page.content.decode()
    assert (balances(finance), _money_state(), AuditLog.objects.count()) == before
    with pytest.raises(OwnAccountRefused) as refused:
        adjustment_request(
            user=finance, amount=D("5.00"), reason="mine", actor=finance, idempotency_key="k"
        )
    assert (refused.value.code, refused.value.http_status) == ("own_account", 403)


@pytest.mark.django_db
def test_finance_cannot_approve_or_reject_its_own_withdrawal(client):
    finance = _finance()
    give_available(finance, "40.00")
    withdrawal = withdrawal_request(
        user=finance,
        method_code="paypal",
        amount=D("30.00"),
        details={"paypal_email": "me@paypal.example"},
        password=PASSWORD,
    )
    client.force_login(finance)
    before = (balances(finance), _money_state())

    approve = client.post(
        WITHDRAWALS, {"action": "approve", "_selected_action": [withdrawal.pk]}, follow=True
    )
    reject = client.post(
        WITHDRAWALS,
        {"action": "reject", "_selected_action": [withdrawal.pk], "reason": "mine"},
        follow=True,
    )

    assert "You cannot approve a withdrawal on your own account" in approve.content.decode()
    assert "You cannot reject a withdrawal on your own account" in reject.content.decode()
    assert (balances(finance), _money_state()) == before
    assert Withdrawal.objects.get(pk=withdrawal.pk).status == "pending"
    assert not AuditLog.objects.filter(action__startswith="withdrawal.").exists()


@pytest.mark.django_db
def test_finance_cannot_mark_its_own_payout_paid(client, settings):
    settings.PAYPAL_CLIENT_ID = ""  # a manual batch, marked paid by hand
    finance, colleague = _finance(), _finance()
    give_available(finance, "40.00")
    withdrawal = withdrawal_request(
        user=finance,
        method_code="paypal",
        amount=D("30.00"),
        details={"paypal_email": "me@paypal.example"},
        password=PASSWORD,
    )
    withdrawal_approve(withdrawal=withdrawal, actor=colleague)
    payouts_process()
    client.force_login(finance)

    page = client.post(
        WITHDRAWALS,
        {"action": "mark_paid", "_selected_action": [withdrawal.pk], "reason": "BANK-1"},
        follow=True,
    )

    assert "You cannot mark a payout paid on your own account" in page.content.decode()
    assert Withdrawal.objects.get(pk=withdrawal.pk).status == "processing"
    assert Payout.objects.get(withdrawal=withdrawal).status == "pending"
    assert balances(finance) == {"available": D("10.00"), "pending": D("0.00"), "hold": D("30.00")}


@pytest.mark.django_db
def test_staff_cannot_confirm_its_own_cashback():
    finance = _finance()
    event = recorded_event(finance, cashback="8.00")

    with pytest.raises(OwnAccountRefused):
        cashback_confirm(event=event, actor=finance)

    event.refresh_from_db()
    assert event.status == "pending"
    assert balances(finance) == {"available": D("0.00"), "pending": D("8.00"), "hold": D("0.00")}


@pytest.mark.django_db
def test_a_large_adjustment_waits_for_a_second_finance_member_once(client):
    shopper = UserFactory()
    requester, approver = _finance(), _finance()
    client.force_login(requester)

    asked = _adjust_form(client, shopper.email, "150.00")
    adjustment = AdjustmentRequest.objects.get()
    own_approval = client.post(
        REQUESTS, {"action": "approve", "_selected_action": [adjustment.pk]}, follow=True
    )

    assert "waits for a second staff member" in asked.content.decode()
    assert "You asked for this adjustment" in own_approval.content.decode()
    assert AdjustmentRequest.objects.get().status == "pending"
    assert balances(shopper)["available"] == D("0.00")
    assert Transaction.objects.filter(kind__startswith="adjustment").count() == 0

    client.force_login(approver)
    client.post(REQUESTS, {"action": "approve", "_selected_action": [adjustment.pk]})
    again = client.post(
        REQUESTS, {"action": "approve", "_selected_action": [adjustment.pk]}, follow=True
    )

    adjustment.refresh_from_db()
    assert (adjustment.status, adjustment.decided_by, adjustment.requested_by) == (
        "approved",
        approver,
        requester,
    )
    assert adjustment.transaction.kind == "adjustment.credit"
    assert "1 skipped" in again.content.decode()
    assert balances(shopper) == {"available": D("150.00"), "pending": D("0.00"), "hold": D("0.00")}
    assert Transaction.objects.filter(kind="adjustment.credit").count() == 1
    assert list(AuditLog.objects.order_by("pk").values_list("action", "actor")) == [
        ("wallet.adjust_request", requester.pk),
        ("wallet.adjust", approver.pk),
    ]
    assert wallet_audit() == []


@pytest.mark.django_db
def test_a_small_adjustment_posts_at_once_and_the_threshold_is_a_setting(client, settings):
    shopper = UserFactory()
    client.force_login(_finance())

    _adjust_form(client, shopper.email, "100.00")
    settings.ADJUSTMENT_SECOND_APPROVAL_ABOVE = D("20.00")
    _adjust_form(client, shopper.email, "20.01")

    assert list(AdjustmentRequest.objects.order_by("pk").values_list("amount", "status")) == [
        (D("100.00"), "approved"),
        (D("20.01"), "pending"),
    ]
    assert balances(shopper)["available"] == D("100.00")


@pytest.mark.django_db
def test_a_second_member_rejects_with_a_reason_and_nothing_moves(client):
    shopper = UserFactory()
    requester, reviewer = _finance(), _finance()
    adjustment = adjustment_request(
        user=shopper, amount=D("-150.00"), reason="clawback", actor=requester, idempotency_key="r"
    )
    client.force_login(reviewer)

    no_reason = client.post(
        REQUESTS, {"action": "reject", "_selected_action": [adjustment.pk]}, follow=True
    )
    client.post(
        REQUESTS,
        {"action": "reject", "_selected_action": [adjustment.pk], "reason": "no basis"},
    )

    assert "Say why the adjustment is rejected." in no_reason.content.decode()
    adjustment.refresh_from_db()
    assert (adjustment.status, adjustment.decided_by, adjustment.decision_note) == (
        "rejected",
        reviewer,
        "no basis",
    )
    assert adjustment.transaction is None
    assert Transaction.objects.count() == 0


@pytest.mark.django_db
def test_the_shopper_cannot_approve_an_adjustment_of_its_own_balance():
    requester, target = _finance(), _finance()
    adjustment = adjustment_request(
        user=target, amount=D("150.00"), reason="bonus", actor=requester, idempotency_key="t"
    )

    with pytest.raises(OwnAccountRefused):
        adjustment_approve(adjustment=adjustment, actor=target)

    assert AdjustmentRequest.objects.get().status == "pending"
    assert balances(target)["available"] == D("0.00")


@pytest.mark.django_db
def test_support_agents_cannot_approve_adjustment_requests(client):
    agent = StaffFactory()
    agent.groups.add(Group.objects.get(name="Support agent"))
    adjustment = adjustment_request(
        user=UserFactory(), amount=D("150.00"), reason="x", actor=_finance(), idempotency_key="s"
    )
    client.force_login(agent)

    page = client.get(REQUESTS).content.decode()
    client.post(REQUESTS, {"action": "approve", "_selected_action": [adjustment.pk]})

    assert 'value="approve"' not in page  # they see the list (wallet view), not the action
    assert AdjustmentRequest.objects.get().status == "pending"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_approvers_at_once_move_the_money_once():
    shopper = UserFactory()
    requester = _finance()
    approvers = [_finance() for _ in range(2)]
    adjustment = adjustment_request(
        user=shopper,
        amount=D("150.00"),
        reason="goodwill",
        actor=requester,
        idempotency_key=uuid.uuid4().hex,
    )

    results = race(
        2,
        lambda i: adjustment_approve(
            adjustment=AdjustmentRequest.objects.get(pk=adjustment.pk), actor=approvers[i]
        ),
    )

    assert sorted(results) == [False, True]
    assert balances(shopper)["available"] == D("150.00")
    assert Transaction.objects.filter(kind="adjustment.credit").count() == 1
    assert AuditLog.objects.filter(action="wallet.adjust").count() == 1
    assert wallet_audit() == []


@pytest.mark.django_db
def test_an_overlong_form_key_is_refused_on_the_form_not_answered_500(client):
    client.force_login(_finance())
    shopper = UserFactory()
    before = (balances(shopper), _money_state())

    page = client.post(
        ADJUST,
        {
            "email": shopper.email,
            "direction": "credit",
            "amount": "5.00",
            "reason": "goodwill",
            "key": "k" * 65,
        },
    )

    assert page.status_code == 200
    assert page.context["form"].errors
    assert (balances(shopper), _money_state()) == before


@pytest.mark.django_db
def test_small_adjustments_add_up_towards_the_four_eyes_threshold(client):
    """Ten credits of 100.00 are one of 1,000.00: what a staff member posted alone for a
    shopper in the last day counts, or four eyes are avoided by splitting."""
    shopper = UserFactory()
    client.force_login(_finance())

    _adjust_form(client, shopper.email, "60.00")
    _adjust_form(client, shopper.email, "40.00")
    _adjust_form(client, shopper.email, "0.01")
    _adjust_form(client, shopper.email, "30.00", direction="debit")

    assert list(AdjustmentRequest.objects.order_by("pk").values_list("amount", "status")) == [
        (D("60.00"), "approved"),
        (D("40.00"), "approved"),
        (D("0.01"), "pending"),
        (D("-30.00"), "pending"),
    ]
    assert balances(shopper)["available"] == D("100.00")
    # Another shopper, or a second staff member's own adjustments, start from zero.
    _adjust_form(client, UserFactory().email, "100.00")
    client.force_login(_finance())
    _adjust_form(client, shopper.email, "100.00")
    assert AdjustmentRequest.objects.filter(status="approved").count() == 4
