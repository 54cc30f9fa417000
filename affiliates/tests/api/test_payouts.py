"""/api/v1/partner/payouts/."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from affiliates.services.payable import commissions_make_payable
from campaigns.tests.factories import GoalFactory
from wallet.models import Account, Withdrawal

from ..factories import LinkFactory, PartnerFactory
from ..support import key_client, record_conversion

pytestmark = pytest.mark.django_db

D = Decimal
PAYOUTS = reverse("api-partner-payouts")


def _payable(partner, commission="30", count=2):
    """`count` approved commissions of `commission`, credited to the payable account."""
    link = LinkFactory(partner=partner)
    GoalFactory(campaign=link.campaign, commission_value=D(commission))
    for _ in range(count):
        record_conversion(link, status="approved")
    commissions_make_payable(now=timezone.now() + timedelta(days=31))


def _balance(partner, kind=Account.Kind.PARTNER_PAYABLE):
    account = Account.objects.filter(owner=partner.user, kind=kind).first()
    return account.balance if account else D("0.00")


def test_a_payout_below_the_minimum_is_400_and_moves_nothing(partner, api):
    _payable(partner, "20")

    response = api.post(PAYOUTS)

    assert response.status_code == 400
    assert response.json() == {
        "code": "below_minimum",
        "detail": "Payouts start at USD 50.00; you have 40.00.",
    }
    assert Withdrawal.objects.count() == 0
    assert _balance(partner) == D("40.00")


def test_a_payout_request_holds_everything_payable(partner, api):
    _payable(partner, "30")

    response = api.post(PAYOUTS)
    listed = api.get(PAYOUTS).json()

    assert response.status_code == 201, response.content
    withdrawal = Withdrawal.objects.get()
    assert (withdrawal.user, withdrawal.source, withdrawal.status) == (
        partner.user,
        "commission",
        "pending",
    )
    assert (withdrawal.amount, withdrawal.fee, withdrawal.net_amount) == (
        D("60.00"),
        D("1.20"),  # PayPal's 2%
        D("58.80"),
    )
    assert response.json() == {
        "id": withdrawal.pk,
        "method": "paypal",
        "amount": "60.00",
        "fee": "1.20",
        "net_amount": "58.80",
        "currency": "USD",
        "status": "pending",
        "reason": "",
        "payout_details": {"paypal_email": "••••.com"},  # masked, as for shoppers
        "requested_at": response.json()["requested_at"],
        "completed_at": None,
    }
    assert [row["id"] for row in listed["results"]] == [withdrawal.pk]
    assert (_balance(partner), _balance(partner, Account.Kind.PARTNER_HOLD)) == (
        D("0.00"),
        D("60.00"),
    )


def test_payouts_list_only_the_partners_commission_withdrawals(partner, api):
    _payable(partner, "30")
    api.post(PAYOUTS)
    someone = PartnerFactory()
    _payable(someone, "30")
    client, _ = key_client(someone)
    client.post(PAYOUTS)

    rows = api.get(PAYOUTS).json()["results"]

    assert len(rows) == 1
    assert Withdrawal.objects.count() == 2
