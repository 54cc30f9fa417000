"""Claims never pay twice, and a decision never pays more than the order was worth."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from accounts.tests.factories import StaffFactory, UserFactory
from support.models import MissingCashbackClaim
from support.services.claims_decide import claim_approve, claim_goodwill, claims_batch
from wallet.models import CashbackEvent, Transaction
from wallet.services.audit import wallet_audit
from wallet.tests.factories import balances

from .factories_claims import ready_claim

pytestmark = pytest.mark.django_db

D = Decimal
Status = MissingCashbackClaim.Status


def _staff(role):
    staff = StaffFactory()
    staff.groups.add(Group.objects.get(name=role))
    return staff


def test_a_sent_claim_credited_as_goodwill_cannot_then_be_approved():
    user = UserFactory()
    claim = ready_claim(user)
    agent, finance = _staff("Support agent"), _staff("Finance")
    claims_batch(claims=[claim], actor=agent)
    claim_goodwill(claim=claim, actor=finance, amount="5.00")

    with pytest.raises(Exception) as caught:
        claim_approve(claim=claim, actor=agent, cashback="4.00")

    assert caught.value.code == "goodwill_already_paid"
    claim.refresh_from_db()
    assert (claim.status, claim.cashback_event_id) == (Status.SUBMITTED, None)
    assert CashbackEvent.objects.filter(user=user).count() == 0
    assert balances(user) == {"available": D("5.00"), "pending": D("0.00"), "hold": D("0.00")}
    assert wallet_audit() == []


@pytest.mark.parametrize(
    ("cashback", "commission", "field"),
    [("120.51", "", "cashback"), ("1000000.00", "", "cashback"), ("4.00", "120.51", "commission")],
)
def test_approving_more_than_the_order_amount_is_refused_and_nothing_moves(
    cashback, commission, field
):
    user = UserFactory()
    claim = ready_claim(user)  # an order of 120.50
    agent = _staff("Support agent")

    with pytest.raises(Exception) as caught:
        claim_approve(claim=claim, actor=agent, cashback=cashback, commission=commission)

    assert (caught.value.code, caught.value.field) == ("amount_above_order", field)
    claim.refresh_from_db()
    assert (claim.status, claim.cashback_event_id) == (Status.READY, None)
    assert CashbackEvent.objects.count() == 0
    assert Transaction.objects.count() == 0
    assert balances(user) == {"available": D("0.00"), "pending": D("0.00"), "hold": D("0.00")}


def test_approving_exactly_the_order_amount_is_allowed():
    user = UserFactory()
    claim = ready_claim(user)

    claim_approve(claim=claim, actor=_staff("Support agent"), cashback="120.50")

    assert balances(user)["pending"] == D("120.50")
