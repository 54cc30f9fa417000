"""An approved claim whose sale the network reports after all: the network's event pays,
the claim's own credit (txn "claim:<id>") is withdrawn (rejected if still pending,
reversed if confirmed), the claim turns tracked and the shopper is told once. An approval
that finds the sale already reported is refused and writes nothing."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from accounts.models import AuditLog
from accounts.tests.factories import StaffFactory, UserFactory
from support.models import MissingCashbackClaim, Notification
from support.services.claims import claims_advance
from support.services.claims_decide import claim_approve, claim_goodwill
from wallet.models import CashbackEvent, Transaction
from wallet.services.audit import wallet_audit
from wallet.services.cashback import cashback_record
from wallet.services.confirmation import cashback_confirm
from wallet.tests.factories import balances

from .factories_claims import ready_claim

pytestmark = pytest.mark.django_db

D = Decimal
Status = MissingCashbackClaim.Status


def _agent():
    staff = StaffFactory()
    staff.groups.add(Group.objects.get(name="Support agent"))
    return staff


def _postback(claim, txn="NET-1", status=None):
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
        network_status=status,
    ).event


def _approved(user):
    claim = ready_claim(user)
    claim_approve(claim=claim, actor=_agent(), cashback="4.25", commission="8.00")
    claim.refresh_from_db()
    return claim


def test_a_postback_after_approval_withdraws_the_pending_claim_credit_and_pays_once():
    user = UserFactory()
    claim = _approved(user)
    assert balances(user) == {"available": D("0.00"), "pending": D("4.25"), "hold": D("0.00")}
    network_event = _postback(claim)
    assert balances(user)["pending"] == D("7.25")  # paid twice until the job runs

    assert claims_advance() == {"tracked": 1, "ready": 0}

    claim.refresh_from_db()
    own = CashbackEvent.objects.get(pk=claim.cashback_event_id)
    network_event.refresh_from_db()
    assert (claim.status, own.status, network_event.status) == (
        Status.TRACKED,
        "rejected",
        "pending",
    )
    assert claim.tracked_at is not None
    assert balances(user) == {"available": D("0.00"), "pending": D("3.00"), "hold": D("0.00")}
    assert Notification.objects.filter(user=user, key=f"claim-tracked:{claim.pk}").count() == 1
    assert wallet_audit() == []

    # Again: nothing moves, nobody is told twice.
    transactions = Transaction.objects.count()
    assert claims_advance() == {"tracked": 0, "ready": 0}
    assert Transaction.objects.count() == transactions
    assert Notification.objects.filter(user=user, key=f"claim-tracked:{claim.pk}").count() == 1


def test_a_confirmed_claim_credit_is_reversed_when_the_sale_tracks_later():
    user = UserFactory()
    claim = _approved(user)
    own = CashbackEvent.objects.get(pk=claim.cashback_event_id)
    assert cashback_confirm(event=own)
    assert balances(user) == {"available": D("4.25"), "pending": D("0.00"), "hold": D("0.00")}
    _postback(claim)

    assert claims_advance() == {"tracked": 1, "ready": 0}

    own.refresh_from_db()
    claim.refresh_from_db()
    assert (claim.status, own.status) == (Status.TRACKED, "reversed")
    assert balances(user) == {"available": D("0.00"), "pending": D("3.00"), "hold": D("0.00")}
    assert wallet_audit() == []
    assert claims_advance() == {"tracked": 0, "ready": 0}
    assert balances(user)["available"] == D("0.00")


def test_a_sale_the_network_rejected_on_arrival_leaves_the_approved_claim_alone():
    user = UserFactory()
    claim = _approved(user)
    _postback(claim, status="rejected")

    assert claims_advance() == {"tracked": 0, "ready": 0}

    claim.refresh_from_db()
    assert claim.status == Status.APPROVED
    assert balances(user) == {"available": D("0.00"), "pending": D("4.25"), "hold": D("0.00")}
    assert wallet_audit() == []


def test_approving_a_claim_whose_sale_already_arrived_is_refused_and_writes_nothing():
    user = UserFactory()
    claim = ready_claim(user)
    _postback(claim)
    before = (CashbackEvent.objects.count(), Transaction.objects.count())

    with pytest.raises(Exception) as caught:
        claim_approve(claim=claim, actor=_agent(), cashback="4.25")

    assert (caught.value.code, caught.value.http_status) == ("already_tracked", 409)
    assert (CashbackEvent.objects.count(), Transaction.objects.count()) == before
    claim.refresh_from_db()
    assert (claim.status, claim.cashback_event_id) == (Status.READY, None)
    assert AuditLog.objects.filter(action="support.claim_approve").count() == 0
    assert balances(user)["pending"] == D("3.00")
    # The job closes it as any open claim whose sale arrived.
    assert claims_advance() == {"tracked": 1, "ready": 0}


def test_a_claim_that_had_its_goodwill_credit_cannot_then_be_approved_too():
    user = UserFactory()
    claim = ready_claim(user)
    MissingCashbackClaim.objects.filter(pk=claim.pk).update(status=Status.SUBMITTED)
    finance = StaffFactory()
    finance.groups.add(Group.objects.get(name="Finance"))

    claim_goodwill(claim=claim, actor=finance, amount="5.00")
    before = (CashbackEvent.objects.count(), Transaction.objects.count())

    with pytest.raises(Exception) as caught:
        claim_approve(claim=claim, actor=_agent(), cashback="4.25")

    assert (caught.value.code, caught.value.http_status) == ("goodwill_already_paid", 409)
    assert (CashbackEvent.objects.count(), Transaction.objects.count()) == before
    claim.refresh_from_db()
    assert (claim.status, claim.cashback_event_id) == (Status.SUBMITTED, None)
    assert balances(user) == {"available": D("5.00"), "pending": D("0.00"), "hold": D("0.00")}
    assert wallet_audit() == []
