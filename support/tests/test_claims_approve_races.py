"""Real threads on PostgreSQL: staff approving a claim while the network's postback for
the same click arrives, and two staff approving the same claim at once."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from accounts.tests.factories import StaffFactory, UserFactory
from config.testing import race
from support.models import MissingCashbackClaim, Notification
from support.services.claims import AlreadyTracked, claims_advance
from support.services.claims_decide import claim_approve
from wallet.models import CashbackEvent
from wallet.services.audit import wallet_audit
from wallet.services.cashback import cashback_record
from wallet.tests.factories import balances

from .factories_claims import ready_claim

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

D = Decimal


def _agent():
    staff = StaffFactory()
    staff.groups.add(Group.objects.get(name="Support agent"))
    return staff


def _postback(claim, txn):
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
    )


@pytest.mark.parametrize("attempt", range(3))
def test_a_postback_racing_the_approval_both_commit_and_the_shopper_is_paid_once(attempt):
    shopper = UserFactory()
    claim = ready_claim(shopper, order_id="R-2")
    agent = _agent()

    def act(i):
        if i == 0:
            return claim_approve(claim=claim, actor=agent, cashback="4.25", commission="8.00")
        return _postback(claim, "NET-R2")

    results = race(2, act)
    claims_advance()
    claims_advance()

    # Neither side fails on a lock (the postback must never be turned away); the
    # approval either saw the sale (refused) or its credit is withdrawn by the job.
    assert not [
        r for r in results if isinstance(r, Exception) and not isinstance(r, AlreadyTracked)
    ], results
    claim.refresh_from_db()
    assert claim.status == MissingCashbackClaim.Status.TRACKED
    assert balances(shopper) == {"available": D("0.00"), "pending": D("3.00"), "hold": D("0.00")}
    assert wallet_audit() == []


def test_two_staff_approving_at_once_make_one_event_and_one_notice():
    shopper = UserFactory()
    claim = ready_claim(shopper, order_id="R-3")
    staff = [_agent(), _agent()]

    results = race(
        2, lambda i: claim_approve(claim=claim, actor=staff[i], cashback=["4.25", "9.00"][i])
    )

    assert not [r for r in results if isinstance(r, Exception)], results
    [event] = CashbackEvent.objects.filter(user=shopper)
    claim.refresh_from_db()
    assert claim.cashback_event_id == event.pk
    assert claim.cashback_amount == event.cashback_amount
    assert balances(shopper)["pending"] == event.cashback_amount
    assert Notification.objects.filter(key=f"claim-approved:{claim.pk}").count() == 1
    assert wallet_audit() == []
