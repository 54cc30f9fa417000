"""A claim's life after filing: a late postback closes it (claims_advance), the store's
window takes it off ice, staff approve (a pending event through the cashback service),
reject with a reason, Finance credits goodwill once; nobody decides their own claim; the
raw-data prune keeps the claimed click."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone

from accounts.models import AuditLog
from accounts.tests.factories import StaffFactory, UserFactory
from support.models import MissingCashbackClaim, Notification, Ticket
from support.services.claims import claims_advance
from support.services.claims_decide import (
    claim_approve,
    claim_goodwill,
    claim_reject,
)
from tracking.models import Click, RollupState
from tracking.services.retention import raw_data_prune
from wallet.models import CashbackEvent, Transaction
from wallet.services.audit import wallet_audit
from wallet.services.cashback import cashback_record
from wallet.tests.factories import balances

from .factories_claims import click_days_ago, file_claim, ready_claim

pytestmark = pytest.mark.django_db

D = Decimal
Status = MissingCashbackClaim.Status


def _staff(role):
    staff = StaffFactory()
    staff.groups.add(Group.objects.get(name=role))
    return staff


def _postback(claim, txn="NET-1"):
    return cashback_record(
        user_id=claim.user_id,
        network=claim.network,
        merchant=claim.merchant,
        offer_id=None,
        click_uuid=claim.click_uuid,
        txn_id=txn,
        sale_amount=D("120.50"),
        commission=D("6.00"),
        cashback=D("3.00"),
        currency="USD",
        network_status=None,
    ).event


def test_a_later_postback_for_the_claimed_click_turns_the_claim_tracked_by_itself():
    user = UserFactory()
    claim = file_claim(user)
    other = file_claim(UserFactory(), order_id="X-2")
    _postback(claim)

    assert claims_advance() == {"tracked": 1, "ready": 0}

    claim.refresh_from_db()
    assert claim.status == Status.TRACKED and claim.tracked_at is not None
    assert claim.ticket.status == Ticket.Status.RESOLVED
    [notice] = Notification.objects.filter(user=user)
    assert (notice.category, notice.key) == ("cashback", f"claim-tracked:{claim.pk}")
    other.refresh_from_db()
    assert other.status == Status.ON_ICE
    # Again: nothing more moves, nobody is told twice.
    assert claims_advance() == {"tracked": 0, "ready": 0}
    assert Notification.objects.filter(user=user).count() == 1


def test_the_command_takes_claims_off_ice_once_the_window_has_passed():
    claim = file_claim(UserFactory())
    MissingCashbackClaim.objects.filter(pk=claim.pk).update(ice_until=timezone.localdate())
    later = file_claim(UserFactory(), order_id="L-1")

    call_command("advance_claims", stdout=(out := __import__("io").StringIO()))

    assert out.getvalue().strip() == "0 tracked, 1 off ice."
    claim.refresh_from_db()
    later.refresh_from_db()
    assert (claim.status, later.status) == (Status.READY, Status.ON_ICE)


def test_approving_twice_creates_one_pending_event_with_the_amount_staff_entered():
    user = UserFactory()
    claim = ready_claim(user)
    agent = _staff("Support agent")

    claim_approve(claim=claim, actor=agent, cashback="4.25", commission="8.00")
    claim_approve(claim=claim, actor=agent, cashback="4.25")

    claim.refresh_from_db()
    [event] = CashbackEvent.objects.filter(user=user)
    assert (claim.status, claim.cashback_event_id, claim.cashback_amount) == (
        Status.APPROVED,
        event.pk,
        D("4.25"),
    )
    assert event.external_txn_id == f"claim:{claim.pk}"
    assert (event.status, event.network_id, event.click_uuid) == (
        "pending",
        claim.network_id,
        claim.click_uuid,
    )
    assert (event.cashback_amount, event.commission, event.sale_amount) == (
        D("4.25"),
        D("8.00"),
        D("120.50"),
    )
    assert balances(user) == {"available": D("0.00"), "pending": D("4.25"), "hold": D("0.00")}
    assert AuditLog.objects.filter(action="support.claim_approve").count() == 1
    assert Notification.objects.filter(user=user, key=f"claim-approved:{claim.pk}").count() == 1
    assert wallet_audit() == []


def test_a_claim_on_ice_or_already_rejected_cannot_be_approved():
    agent = _staff("Support agent")
    on_ice = file_claim(UserFactory())

    with pytest.raises(Exception) as caught:
        claim_approve(claim=on_ice, actor=agent, cashback="1.00")

    assert caught.value.code == "claim_not_decidable"
    assert CashbackEvent.objects.count() == 0


def test_reject_needs_a_reason_and_the_shopper_reads_it():
    user = UserFactory()
    claim = ready_claim(user)
    agent = _staff("Support agent")

    with pytest.raises(Exception) as caught:
        claim_reject(claim=claim, actor=agent, reason="   ")
    assert caught.value.code == "reason_required"
    claim.refresh_from_db()
    assert claim.status == Status.READY

    claim_reject(claim=claim, actor=agent, reason="The store says the order was cancelled.")

    claim.refresh_from_db()
    assert (claim.status, claim.reason, claim.decided_by) == (
        Status.REJECTED,
        "The store says the order was cancelled.",
        agent,
    )
    notice = Notification.objects.get(user=user, key=f"claim-rejected:{claim.pk}")
    assert notice.body == "The store says the order was cancelled."


def test_goodwill_pays_once_from_the_cashback_expense_to_the_available_balance():
    user = UserFactory()
    claim = ready_claim(user)
    claim_reject(claim=claim, actor=_staff("Support agent"), reason="Network refused.")
    finance = _staff("Finance")

    claim_goodwill(claim=claim, actor=finance, amount="5.00")
    with pytest.raises(Exception) as caught:
        claim_goodwill(claim=claim, actor=finance, amount="5.00")

    assert caught.value.code == "goodwill_already_paid"
    assert balances(user) == {"available": D("5.00"), "pending": D("0.00"), "hold": D("0.00")}
    [txn] = Transaction.objects.filter(idempotency_key=f"claim-goodwill:{claim.pk}")
    assert sorted((e.account.kind, e.amount) for e in txn.entries.select_related("account")) == [
        ("available", D("5.00")),
        ("cashback_expense", D("-5.00")),
    ]
    assert AuditLog.objects.filter(action="support.claim_goodwill", actor=finance).count() == 1
    assert wallet_audit() == []


def test_a_support_agent_may_not_pay_goodwill_and_nothing_moves():
    user = UserFactory()
    claim = ready_claim(user)
    agent = _staff("Support agent")
    claim_reject(claim=claim, actor=agent, reason="Network refused.")

    with pytest.raises(Exception) as caught:
        claim_goodwill(claim=claim, actor=agent, amount="5.00")

    assert (caught.value.code, caught.value.http_status) == ("not_allowed", 403)
    assert balances(user)["available"] == D("0.00")
    assert Transaction.objects.filter(kind="support.goodwill").count() == 0


def test_staff_cannot_decide_or_credit_their_own_claim():
    agent = _staff("Support agent")
    finance = _staff("Finance")
    mine = ready_claim(agent)
    finance_claim = ready_claim(finance, order_id="F-1")
    MissingCashbackClaim.objects.filter(pk=finance_claim.pk).update(status=Status.REJECTED)

    for attempt in (
        lambda: claim_approve(claim=mine, actor=agent, cashback="9.00"),
        lambda: claim_reject(claim=mine, actor=agent, reason="no"),
        lambda: claim_goodwill(claim=finance_claim, actor=finance, amount="9.00"),
    ):
        with pytest.raises(Exception) as caught:
            attempt()
        assert caught.value.code == "own_account"

    assert CashbackEvent.objects.count() == 0
    assert Transaction.objects.count() == 0
    mine.refresh_from_db()
    assert mine.status == Status.READY


def test_the_prune_keeps_a_click_named_by_an_open_or_approved_claim(settings):
    settings.RAW_DATA_RETENTION_DAYS = 120
    user = UserFactory()
    on_ice = file_claim(user, order_id="K-1")
    approved = ready_claim(user, order_id="K-2")
    claim_approve(claim=approved, actor=_staff("Support agent"), cashback="1.00")
    # A second claim on a click whose claim was rejected: that click may go.
    rejected = ready_claim(user, order_id="K-3")
    MissingCashbackClaim.objects.filter(pk=rejected.pk).update(status=Status.REJECTED)
    plain = click_days_ago(user, 10)
    old = timezone.now() - timedelta(days=200)
    Click.objects.update(created_at=old)
    last = Click.objects.order_by("-pk").values_list("pk", flat=True).first()
    for name in ("offer_clicks", "offer_daily_clicks"):
        RollupState.objects.update_or_create(name=name, defaults={"last_id": last})

    raw_data_prune()
    while not all(report.finished for report in raw_data_prune()):
        pass

    kept = set(Click.objects.values_list("click_id", flat=True))
    assert kept == {on_ice.click_uuid, approved.click_uuid}
    assert plain.click_id not in kept and rejected.click_uuid not in kept


def test_an_approved_claims_own_event_does_not_close_another_claim_on_the_same_trip():
    user = UserFactory()
    click = click_days_ago(user, 10)
    first = ready_claim(user, click=click, order_id="T-1")
    second = ready_claim(user, click=click, order_id="T-2")
    claim_approve(claim=first, actor=_staff("Support agent"), cashback="2.00")

    assert claims_advance() == {"tracked": 0, "ready": 0}

    second.refresh_from_db()
    assert second.status == Status.READY
