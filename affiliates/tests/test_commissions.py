"""Commission: its amount, the holding period, crediting the partner's payable account,
and taking it back when the advertiser declines later."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import AuditLog
from accounts.tests.factories import StaffFactory
from affiliates.models import Conversion, Link, PartnerGoalCommission
from affiliates.rules import commission_for
from affiliates.services.conversions import (
    ClickFacts,
    ConversionRefused,
    conversion_record,
    conversion_release_hold,
    conversion_set_status,
)
from affiliates.services.payable import commissions_make_payable
from affiliates.services.payouts import partner_payout_request
from affiliates.tests.factories import LinkFactory, PartnerFactory
from campaigns.models import Goal
from campaigns.tests.factories import CampaignFactory, GoalFactory
from tracking.tests.factories import AffiliateClickFactory
from wallet.models import Account, Entry, Transaction
from wallet.services.audit import wallet_audit
from wallet.services.ledger import ledger_post, platform_account, transfer, user_account

pytestmark = pytest.mark.django_db

D = Decimal
PAYABLE = Account.Kind.PARTNER_PAYABLE
EXPENSE = Account.Kind.AFFILIATE_COMMISSION_EXPENSE


@pytest.fixture
def link():
    campaign = CampaignFactory(holding_days=30)
    GoalFactory(campaign=campaign, tracking_code="DEMOSALE01")  # fixed 10.00
    return LinkFactory(campaign=campaign)


def _record(link, txn_id="C1", *, status="approved", amount="50.00", goal="", ip=None):
    click = AffiliateClickFactory(link=link, ip=ip)
    clicked_at = click.created_at
    outcome = conversion_record(
        campaign=link.campaign,
        click=ClickFacts(
            click.click_id, link.pk, link.partner_id, link.campaign_id, "", "", "", ip, clicked_at
        ),
        goal_code=goal,
        txn_id=txn_id,
        amount=D(amount),
        status=status,
        currency="USD",
    )
    return outcome.conversion


def _balance(user, kind=PAYABLE):
    return Account.objects.filter(owner=user, kind=kind).values_list("balance", flat=True).first()


def _expense():
    return (
        Account.objects.filter(owner=None, kind=EXPENSE).values_list("balance", flat=True).first()
    )


def _ledger():
    return (Transaction.objects.count(), Entry.objects.count())


# --- how much ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "value", "amount", "expected"),
    [
        ("fixed", "10.0000", "50.00", "10.00"),
        ("fixed", "10.0000", "0.00", "10.00"),  # a fixed commission ignores the amount
        ("fixed", "2.3450", "50.00", "2.35"),  # rounded half-up to cents, once
        ("percentage", "7.5000", "200.00", "15.00"),
        ("percentage", "5.0000", "12.50", "0.63"),  # 0.625 → 0.63
        ("percentage", "12.3456", "99.99", "12.34"),  # 12.344365…
        ("percentage", "100.0000", "19.99", "19.99"),
        ("percentage", "5.0000", "0.00", "0.00"),
    ],
)
def test_the_goals_commission(kind, value, amount, expected):
    goal = GoalFactory(commission_type=kind, commission_value=D(value))

    assert commission_for(goal=goal, partner=PartnerFactory(), amount=D(amount)) == D(expected)


def test_a_partners_own_rate_replaces_the_goals_for_that_partner_only():
    goal = GoalFactory(commission_type="fixed", commission_value=D("10"))
    vip, other = PartnerFactory(), PartnerFactory()
    PartnerGoalCommission.objects.create(
        partner=vip, goal=goal, commission_type="percentage", commission_value=D("12.5")
    )
    PartnerGoalCommission.objects.create(
        partner=other, goal=GoalFactory(), commission_type="fixed", commission_value=D("99")
    )

    assert commission_for(goal=goal, partner=vip, amount=D("80.00")) == D("10.00")  # 12.5%
    assert commission_for(goal=goal, partner=vip, amount=D("100.00")) == D("12.50")
    assert commission_for(goal=goal, partner=other, amount=D("100.00")) == D("10.00")


# --- holding period ------------------------------------------------------------------


def test_approved_commission_becomes_payable_after_the_holding_period(link):
    conversion = _record(link)
    assert conversion.payable_at == conversion.approved_at + timedelta(days=30)

    too_early = commissions_make_payable(now=conversion.payable_at - timedelta(seconds=1))

    assert too_early == 0
    assert _ledger() == (0, 0)
    assert _balance(link.partner.user) is None
    conversion.refresh_from_db()
    assert conversion.credited_at is None

    credited = commissions_make_payable(now=conversion.payable_at)

    assert credited == 1
    conversion.refresh_from_db()
    assert (conversion.status, conversion.credited_at) == ("approved", conversion.payable_at)
    assert _balance(link.partner.user) == D("10.00")
    assert _expense() == D("-10.00")
    txn = Transaction.objects.get()
    assert (txn.kind, txn.idempotency_key, txn.reference, txn.memo, txn.currency) == (
        "commission.payable",
        f"conversion:{conversion.pk}:payable",
        f"conversion:{conversion.pk}",
        "Commission C1",
        "USD",
    )
    assert list(
        txn.entries.order_by("amount").values_list("account__owner", "account__kind", "amount")
    ) == [
        (None, EXPENSE, D("-10.00")),
        (link.partner.user_id, PAYABLE, D("10.00")),
    ]
    assert wallet_audit() == []


def test_making_payable_twice_credits_once(link):
    conversion = _record(link)
    later = conversion.payable_at + timedelta(days=1)
    assert commissions_make_payable(now=later) == 1
    ledger = _ledger()

    assert commissions_make_payable(now=later) == 0
    assert commissions_make_payable(now=later + timedelta(days=1)) == 0

    assert _ledger() == ledger
    assert _balance(link.partner.user) == D("10.00")
    assert wallet_audit() == []


def test_only_approved_released_conversions_are_credited(link):
    approved = _record(link, "APPROVED")
    pending = _record(link, "PENDING", status="pending")
    declined = _record(link, "DECLINED", status="declined")
    held = _record(link, "HELD")
    Conversion.objects.filter(pk=held.pk).update(on_hold=True, hold_reasons=["too_fast"])
    later = timezone.now() + timedelta(days=31)

    assert commissions_make_payable(now=later) == 1

    credited = Conversion.objects.filter(credited_at__isnull=False)
    assert list(credited.values_list("pk", flat=True)) == [approved.pk]
    assert (pending.payable_at, declined.payable_at) == (None, None)
    assert _balance(link.partner.user) == D("10.00")

    assert conversion_release_hold(conversion=held, actor=StaffFactory()) is True
    assert commissions_make_payable(now=later) == 1

    assert _balance(link.partner.user) == D("20.00")
    assert AuditLog.objects.get().action == "conversion.release_hold"
    assert wallet_audit() == []


def test_the_holding_period_runs_from_approval_not_from_the_sale(link):
    conversion = _record(link, status="pending")
    Conversion.objects.filter(pk=conversion.pk).update(
        created_at=timezone.now() - timedelta(days=60)
    )

    assert conversion_set_status(conversion=conversion, status="approved") is True

    conversion.refresh_from_db()
    assert conversion.payable_at == conversion.approved_at + timedelta(days=30)
    assert commissions_make_payable(now=conversion.payable_at - timedelta(seconds=1)) == 0
    assert commissions_make_payable(now=conversion.payable_at) == 1


def test_each_partner_is_credited_their_own_commissions_in_batches(link):
    other = LinkFactory(campaign=link.campaign)
    for i in range(3):
        _record(link, f"A{i}")
    for i in range(2):
        _record(other, f"B{i}", goal="DEMOSALE01", amount="1.00")

    credited = commissions_make_payable(now=timezone.now() + timedelta(days=31), batch_size=2)

    assert credited == 5
    assert Transaction.objects.filter(kind="commission.payable").count() == 5
    assert _balance(link.partner.user) == D("30.00")
    assert _balance(other.partner.user) == D("20.00")
    assert _expense() == D("-50.00")
    assert Conversion.objects.filter(credited_at__isnull=True).count() == 0
    assert wallet_audit() == []


def test_a_zero_commission_is_marked_credited_without_a_posting(link):
    GoalFactory(
        campaign=link.campaign,
        tracking_code="PERCENT005",
        is_default=False,
        commission_type=Goal.CommissionType.PERCENTAGE,
        commission_value=D("5"),
    )
    conversion = _record(link, goal="PERCENT005", amount="0.00")
    assert conversion.commission == D("0.00")

    assert commissions_make_payable(now=timezone.now() + timedelta(days=31)) == 1

    conversion.refresh_from_db()
    assert conversion.credited_at is not None
    assert _ledger() == (0, 0)


def test_the_command_credits_what_is_due(link):
    conversion = _record(link)
    Conversion.objects.filter(pk=conversion.pk).update(
        payable_at=timezone.now() - timedelta(minutes=1)
    )
    out = io.StringIO()

    call_command("make_commissions_payable", stdout=out)

    assert out.getvalue() == "1 commission(s) became payable.\n"
    assert _balance(link.partner.user) == D("10.00")


# --- declining -----------------------------------------------------------------------


def test_declining_a_credited_commission_takes_the_money_back(link):
    conversion = _record(link)
    commissions_make_payable(now=conversion.payable_at)
    staff = StaffFactory()

    moved = conversion_set_status(
        conversion=conversion, status="declined", actor=staff, reason="Order refunded."
    )

    assert moved is True
    conversion.refresh_from_db()
    assert (conversion.status, conversion.reason) == ("declined", "Order refunded.")
    assert _balance(link.partner.user) == D("0.00")
    assert _expense() == D("0.00")
    reversal = Transaction.objects.get(kind="commission.reverse")
    assert (reversal.idempotency_key, reversal.reference, reversal.memo) == (
        f"conversion:{conversion.pk}:reverse",
        f"conversion:{conversion.pk}",
        "Commission declined: Order refunded.",
    )
    assert sorted(reversal.entries.values_list("account__kind", "amount")) == sorted(
        [(PAYABLE, D("-10.00")), (EXPENSE, D("10.00"))]
    )
    link.refresh_from_db()
    assert (link.conversions_count, link.earnings) == (1, D("0.00"))
    audit = AuditLog.objects.get()
    assert (audit.actor, audit.action, audit.entity_id, audit.metadata) == (
        staff,
        "conversion.declined",
        str(conversion.pk),
        {"from": "approved", "reason": "Order refunded."},
    )
    assert commissions_make_payable(now=conversion.payable_at + timedelta(days=1)) == 0
    assert wallet_audit() == []


def test_declining_after_the_partner_spent_it_leaves_a_debt(link):
    """The reversal is not guarded: the partner's payable balance may go below zero and
    later commissions repay it."""
    first = _record(link, "C1")
    commissions_make_payable(now=first.payable_at)
    ledger_post(  # paid out (as a payout would, through the ledger)
        kind="test.paid_out",
        idempotency_key="paid-out",
        lines=transfer(
            user_account(link.partner.user, PAYABLE),
            platform_account(Account.Kind.PAYOUT_CLEARING),
            D("10.00"),
        ),
    )

    conversion_set_status(conversion=first, status="declined", reason="Chargeback.")

    assert _balance(link.partner.user) == D("-10.00")
    second = _record(link, "C2")
    commissions_make_payable(now=second.payable_at)
    assert _balance(link.partner.user) == D("0.00")
    assert wallet_audit() == []


def test_declining_a_commission_that_was_never_credited_moves_no_money(link):
    conversion = _record(link)

    assert conversion_set_status(conversion=conversion, status="declined") is True

    assert _ledger() == (0, 0)
    assert commissions_make_payable(now=timezone.now() + timedelta(days=31)) == 0


def test_declining_a_credited_zero_commission_moves_no_money(link):
    GoalFactory(
        campaign=link.campaign,
        tracking_code="PERCENT005",
        is_default=False,
        commission_type=Goal.CommissionType.PERCENTAGE,
        commission_value=D("5"),
    )
    conversion = _record(link, goal="PERCENT005", amount="0.00")
    commissions_make_payable(now=timezone.now() + timedelta(days=31))

    assert conversion_set_status(conversion=conversion, status="declined") is True

    assert Conversion.objects.get().status == "declined"
    assert _ledger() == (0, 0)


@pytest.mark.parametrize(
    ("first", "then"),
    [("declined", "approved"), ("approved", "approved"), ("paid", "declined")],
)
def test_a_move_outside_the_table_changes_nothing(link, first, then):
    conversion = _record(link, status="pending")
    Conversion.objects.filter(pk=conversion.pk).update(status=first)
    before = list(Conversion.objects.values())

    assert conversion_set_status(conversion=conversion, status=then, actor=StaffFactory()) is False

    assert list(Conversion.objects.values()) == before
    assert AuditLog.objects.count() == 0


def test_a_commission_in_a_payout_cannot_be_declined(link):
    for i in range(5):
        _record(link, f"C{i}")
    commissions_make_payable(now=timezone.now() + timedelta(days=31))
    withdrawal = partner_payout_request(partner=link.partner)
    assert withdrawal.amount == D("50.00")
    conversion = Conversion.objects.get(txn_id="C0")
    assert conversion.payout == withdrawal
    ledger = _ledger()

    with pytest.raises(ConversionRefused) as refused:
        conversion_set_status(conversion=conversion, status="declined", reason="Refund.")

    assert refused.value.code == "in_payout"
    conversion.refresh_from_db()
    assert (conversion.status, conversion.reason) == ("approved", "")
    assert _ledger() == ledger
    assert Link.objects.get(pk=link.pk).earnings == D("50.00")
    assert wallet_audit() == []
