"""Partner payouts: asking to be paid everything payable, and the same Finance pipeline
as shoppers' withdrawals after that (approval, batches, paid or rejected)."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import AuditLog
from accounts.tests.factories import StaffFactory
from affiliates.models import Conversion, Partner, PostbackDelivery
from affiliates.services.conversions import conversion_set_status
from affiliates.services.payable import commissions_make_payable
from affiliates.services.payouts import PayoutRefused, partner_payout_request, payout_minimum
from campaigns.tests.factories import CampaignFactory, GoalFactory
from config.testing import race
from wallet.models import Account, Payout, PayoutBatch, Transaction, Withdrawal, WithdrawalMethod
from wallet.services.audit import wallet_audit
from wallet.services.payouts import payout_mark_failed
from wallet.services.withdrawals import (
    withdrawal_approve,
    withdrawal_cancel,
    withdrawal_reject,
)

from .factories import LinkFactory, PartnerFactory, PostbackFactory
from .support import record_conversion

pytestmark = pytest.mark.django_db

D = Decimal
PAYABLE, HOLD = Account.Kind.PARTNER_PAYABLE, Account.Kind.PARTNER_HOLD
LATER = timedelta(days=31)  # past the factories' 30-day holding period


@pytest.fixture(autouse=True)
def _manual_payouts(settings):
    settings.PAYPAL_CLIENT_ID = ""  # paid by hand, in a manual batch
    settings.PARTNER_PAYOUT_MINIMUM = D("50.00")


def _earn(partner, *commissions, campaign=None, status="approved"):
    """One conversion per commission on one campaign; returns them."""
    campaign = campaign or CampaignFactory()
    link = LinkFactory(partner=partner, campaign=campaign)
    goal = GoalFactory(campaign=campaign, is_default=False, commission_value=D("0"))
    conversions = []
    for commission in commissions:
        goal.commission_value = D(commission)
        goal.save()
        conversions.append(record_conversion(link, goal=goal, status=status))
    return conversions


def _payable(partner, *commissions, campaign=None):
    conversions = _earn(partner, *commissions, campaign=campaign)
    commissions_make_payable(now=timezone.now() + LATER)
    return conversions


def _balances(partner):
    found = dict(Account.objects.filter(owner=partner.user).values_list("kind", "balance"))
    return {kind: found.get(kind, D("0.00")) for kind in (PAYABLE, HOLD)}


def _platform(kind):
    account = Account.objects.filter(owner=None, kind=kind).first()
    return account.balance if account else D("0.00")


def _refused(partner, code):
    before = (
        _balances(partner),
        list(Conversion.objects.filter(partner=partner).values_list("pk", "payout", "status")),
        Transaction.objects.count(),
    )
    with pytest.raises(PayoutRefused) as refused:
        partner_payout_request(partner=partner)
    assert refused.value.code == code
    assert Withdrawal.objects.count() == 0
    assert before == (
        _balances(partner),
        list(Conversion.objects.filter(partner=partner).values_list("pk", "payout", "status")),
        Transaction.objects.count(),
    )
    return refused.value


# --- refused -----------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["pending", "rejected", "suspended"])
def test_a_partner_who_is_not_approved_cannot_ask(status):
    partner = PartnerFactory()
    _payable(partner, "60")
    Partner.objects.filter(pk=partner.pk).update(status=status)
    partner.refresh_from_db()

    _refused(partner, "partner_not_approved")


def test_a_partner_without_payout_details_cannot_ask():
    partner = PartnerFactory(payout_method="", payout_details="")
    _payable(partner, "60")

    _refused(partner, "no_payout_details")


def test_a_disabled_payout_method_cannot_be_used():
    partner = PartnerFactory()
    _payable(partner, "60")
    WithdrawalMethod.objects.filter(code="paypal").update(is_enabled=False)

    _refused(partner, "method_unavailable")


@pytest.mark.parametrize(
    ("platform", "method", "campaign", "minimum"),
    [
        ("50.00", "5.00", "0.00", "50.00"),  # the platform's
        ("10.00", "45.00", "0.00", "45.00"),  # the method's
        ("10.00", "5.00", "70.00", "70.00"),  # a campaign's
        ("0.00", "0.00", "0.00", "0.00"),
    ],
)
def test_the_highest_minimum_wins(settings, platform, method, campaign, minimum):
    settings.PARTNER_PAYOUT_MINIMUM = D(platform)
    WithdrawalMethod.objects.filter(code="paypal").update(minimum_amount=D(method))
    partner = PartnerFactory()
    _payable(partner, "30", campaign=CampaignFactory(minimum_payout=D(campaign)))
    _payable(partner, "10")  # a campaign with no minimum of its own

    assert payout_minimum(partner) == D(minimum)
    assert payout_minimum(partner, WithdrawalMethod.objects.get(code="paypal")) == D(minimum)


@pytest.mark.parametrize(
    ("platform", "method", "campaign", "detail"),
    [
        ("50.00", "5.00", "0.00", "Payouts start at USD 50.00; you have 40.00."),
        ("10.00", "45.00", "0.00", "Payouts start at USD 45.00; you have 40.00."),
        ("10.00", "5.00", "70.00", "Payouts start at USD 70.00; you have 40.00."),
    ],
)
def test_below_the_highest_minimum_is_refused_and_moves_nothing(
    settings, platform, method, campaign, detail
):
    settings.PARTNER_PAYOUT_MINIMUM = D(platform)
    WithdrawalMethod.objects.filter(code="paypal").update(minimum_amount=D(method))
    partner = PartnerFactory()
    _payable(partner, "30", campaign=CampaignFactory(minimum_payout=D(campaign)))
    _payable(partner, "10")

    refused = _refused(partner, "below_minimum")

    assert refused.detail == detail
    assert _balances(partner) == {PAYABLE: D("40.00"), HOLD: D("0.00")}


def test_a_campaign_minimum_stops_counting_once_its_commissions_are_paid_out(settings):
    settings.PARTNER_PAYOUT_MINIMUM = D("10.00")
    partner = PartnerFactory()
    _payable(partner, "100", campaign=CampaignFactory(minimum_payout=D("100.00")))
    partner_payout_request(partner=partner)
    _payable(partner, "20")

    assert payout_minimum(partner) == D("10.00")


def test_exactly_the_minimum_is_enough():
    partner = PartnerFactory()
    _payable(partner, "20", "30")

    withdrawal = partner_payout_request(partner=partner)

    assert withdrawal.amount == D("50.00")


def test_with_every_minimum_zero_an_empty_balance_is_still_refused(settings):
    settings.PARTNER_PAYOUT_MINIMUM = D("0.00")
    WithdrawalMethod.objects.filter(code="paypal").update(minimum_amount=D("0.00"))
    partner = PartnerFactory()

    _refused(partner, "nothing_payable")


def test_only_payable_money_counts_not_pending_or_held_commissions():
    partner = PartnerFactory()
    _payable(partner, "10")
    _earn(partner, "40")  # approved, still in its holding period
    _earn(partner, "40", status="pending")

    _refused(partner, "below_minimum")


# --- paid --------------------------------------------------------------------------------


def test_a_payout_request_moves_the_whole_payable_balance_into_a_commission_withdrawal():
    partner = PartnerFactory()
    someone = PartnerFactory()
    theirs = _payable(someone, "80")
    credited = _payable(partner, "20.00", "25.50") + _payable(partner, "14.50")
    held = _earn(partner, "99")  # approved today: payable only in 30 days
    pending = _earn(partner, "7", status="pending")

    withdrawal = partner_payout_request(partner=partner)

    assert (withdrawal.user, withdrawal.source, withdrawal.status) == (
        partner.user,
        "commission",
        "pending",
    )
    assert (withdrawal.amount, withdrawal.fee, withdrawal.net_amount, withdrawal.currency) == (
        D("60.00"),
        D("1.20"),  # PayPal's 2%
        D("58.80"),
        "USD",
    )
    assert withdrawal.method.code == "paypal"
    assert f'"paypal_email": "{partner.user.email}"' in withdrawal.payout_details
    assert _balances(partner) == {PAYABLE: D("0.00"), HOLD: D("60.00")}
    assert _balances(someone) == {PAYABLE: D("80.00"), HOLD: D("0.00")}
    assert _platform(Account.Kind.AFFILIATE_COMMISSION_EXPENSE) == D("-140.00")
    payouts = dict(Conversion.objects.values_list("pk", "payout"))
    assert {payouts[c.pk] for c in credited} == {withdrawal.pk}
    assert {payouts[c.pk] for c in held + pending + theirs} == {None}
    hold = Transaction.objects.get(kind="withdrawal.hold")
    assert sorted(hold.entries.values_list("account__kind", "amount")) == [
        (HOLD, D("60.00")),
        (PAYABLE, D("-60.00")),
    ]
    assert wallet_audit() == []


def test_approved_then_batched_then_marked_paid_pays_the_conversions(settings):
    partner = PartnerFactory()
    conversions = _payable(partner, "30", "30")
    PostbackFactory(partner=partner, url="https://p.example.org/pb?s={status}&t={txn_id}")
    staff = StaffFactory()
    withdrawal = partner_payout_request(partner=partner)

    assert withdrawal_approve(withdrawal=withdrawal, actor=staff) is True
    out = io.StringIO()
    call_command("process_payouts", stdout=out)
    batch = PayoutBatch.objects.get()
    withdrawal.refresh_from_db()
    assert (batch.provider, batch.status, withdrawal.status) == (
        "manual",
        "submitted",
        "processing",
    )
    assert (batch.total, Payout.objects.get().withdrawal) == (D("58.80"), withdrawal)
    assert Conversion.objects.filter(status="paid").count() == 0
    call_command(
        "process_payouts", "--mark-paid", batch.sender_batch_id, "--reference", "BANK-9", stdout=out
    )

    withdrawal.refresh_from_db()
    assert (withdrawal.status, withdrawal.completed_at is not None) == ("completed", True)
    rows = Conversion.objects.filter(pk__in=[c.pk for c in conversions])
    assert set(rows.values_list("status", "payout")) == {("paid", withdrawal.pk)}
    assert all(row.paid_at is not None for row in rows)
    assert _balances(partner) == {PAYABLE: D("0.00"), HOLD: D("0.00")}
    assert (_platform(Account.Kind.PAYOUT_CLEARING), _platform(Account.Kind.FEE_REVENUE)) == (
        D("58.80"),
        D("1.20"),
    )
    assert _platform(Account.Kind.AFFILIATE_COMMISSION_EXPENSE) == D("-60.00")
    assert AuditLog.objects.filter(action="withdrawal.approve").count() == 1
    # The partner's tracker hears that each commission was paid.
    assert sorted(
        PostbackDelivery.objects.filter(event="status_changed").values_list("url", flat=True)
    ) == sorted(f"https://p.example.org/pb?s=paid&t={c.txn_id}" for c in conversions)
    assert wallet_audit() == []


@pytest.mark.parametrize("how", ["reject", "reject_approved", "cancel", "fail"])
def test_a_payout_that_does_not_happen_returns_the_money_and_frees_the_conversions(how):
    partner = PartnerFactory()
    conversions = _payable(partner, "30", "30")
    staff = StaffFactory()
    withdrawal = partner_payout_request(partner=partner)

    if how == "reject":
        assert withdrawal_reject(withdrawal=withdrawal, actor=staff, reason="Wrong account")
    elif how == "reject_approved":
        withdrawal_approve(withdrawal=withdrawal, actor=staff)
        assert withdrawal_reject(withdrawal=withdrawal, actor=staff, reason="Wrong account")
    elif how == "cancel":
        assert withdrawal_cancel(withdrawal=withdrawal, user=partner.user)
    else:
        withdrawal_approve(withdrawal=withdrawal, actor=staff)
        call_command("process_payouts", stdout=io.StringIO())
        assert payout_mark_failed(payout=Payout.objects.get(), reason="Account closed")

    withdrawal.refresh_from_db()
    assert withdrawal.status == {"cancel": "cancelled", "fail": "failed"}.get(how, "rejected")
    assert _balances(partner) == {PAYABLE: D("60.00"), HOLD: D("0.00")}
    rows = Conversion.objects.filter(pk__in=[c.pk for c in conversions])
    assert set(rows.values_list("status", "payout")) == {("approved", None)}
    assert wallet_audit() == []

    again = partner_payout_request(partner=partner)

    assert again.amount == D("60.00")
    assert set(rows.values_list("payout", flat=True)) == {again.pk}


def test_commissions_credited_after_a_request_wait_for_the_next_one():
    partner = PartnerFactory()
    first = _payable(partner, "60")
    withdrawal = partner_payout_request(partner=partner)

    later = _payable(partner, "25")

    assert _balances(partner) == {PAYABLE: D("25.00"), HOLD: D("60.00")}
    assert Conversion.objects.get(pk=first[0].pk).payout_id == withdrawal.pk
    assert Conversion.objects.get(pk=later[0].pk).payout_id is None
    with pytest.raises(PayoutRefused) as refused:
        partner_payout_request(partner=partner)
    assert refused.value.code == "below_minimum"


def test_a_commission_declined_while_out_of_a_payout_is_taken_back_before_the_next():
    partner = PartnerFactory()
    _payable(partner, "60")
    withdrawal = partner_payout_request(partner=partner)
    withdrawal_reject(withdrawal=withdrawal, actor=StaffFactory(), reason="Check details")
    [declined] = Conversion.objects.filter(partner=partner)
    assert conversion_set_status(conversion=declined, status="declined", reason="Refunded")
    assert _balances(partner) == {PAYABLE: D("0.00"), HOLD: D("0.00")}
    later = _payable(partner, "70")

    withdrawal = partner_payout_request(partner=partner)

    assert withdrawal.amount == D("70.00")
    assert list(Conversion.objects.filter(payout=withdrawal).values_list("pk", flat=True)) == [
        later[0].pk
    ]
    assert wallet_audit() == []


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_simultaneous_requests_make_one_payout():
    partner = PartnerFactory()
    _payable(partner, "30", "30")

    def ask(_):
        try:
            return partner_payout_request(partner=Partner.objects.get(pk=partner.pk)).pk
        except PayoutRefused as refused:
            return refused.code

    outcomes = race(8, ask)

    withdrawal = Withdrawal.objects.get()
    assert sorted(outcomes, key=str) == sorted([withdrawal.pk] + ["below_minimum"] * 7, key=str)
    assert withdrawal.amount == D("60.00")
    assert _balances(partner) == {PAYABLE: D("0.00"), HOLD: D("60.00")}
    assert set(Conversion.objects.values_list("payout", flat=True)) == {withdrawal.pk}
    assert wallet_audit() == []
