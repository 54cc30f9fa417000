"""A settled partner payout settles its conversions (services/paid.py). The wallet's
withdrawal_settled receiver only calls these; test_payouts.py drives them end to end."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from affiliates.models import Conversion, PostbackDelivery
from affiliates.services.paid import conversions_mark_paid, conversions_release
from affiliates.services.payable import commissions_make_payable
from affiliates.services.payouts import partner_payout_request
from campaigns.tests.factories import GoalFactory
from wallet.models import Withdrawal

from .factories import LinkFactory, PartnerFactory, PostbackFactory
from .support import record_conversion

pytestmark = pytest.mark.django_db


def _requested(partner):
    """A payout request covering two approved, payable commissions of 30.00."""
    link = LinkFactory(partner=partner)
    GoalFactory(campaign=link.campaign, commission_value=Decimal("30"))
    conversions = [record_conversion(link, status="approved") for _ in range(2)]
    commissions_make_payable(now=timezone.now() + timedelta(days=31))
    return partner_payout_request(partner=partner), conversions


def _states(conversions):
    rows = Conversion.objects.filter(pk__in=[c.pk for c in conversions]).order_by("pk")
    return [(row.status, row.payout_id, row.paid_at is not None) for row in rows]


def test_a_paid_payout_pays_its_conversions_and_tells_the_partner_once():
    partner = PartnerFactory()
    PostbackFactory(partner=partner, url="https://p.example.org/pb?s={status}&t={txn_id}")
    withdrawal, conversions = _requested(partner)
    their_payout, others = _requested(PartnerFactory())

    first = conversions_mark_paid(withdrawal=withdrawal)
    again = conversions_mark_paid(withdrawal=withdrawal)

    assert (first, again) == (2, 0)
    assert _states(conversions) == [("paid", withdrawal.pk, True)] * 2
    assert sorted(
        PostbackDelivery.objects.filter(event="status_changed").values_list("url", flat=True)
    ) == sorted(f"https://p.example.org/pb?s=paid&t={c.txn_id}" for c in conversions)
    assert _states(others) == [("approved", their_payout.pk, False)] * 2


def test_a_payout_that_was_not_made_frees_its_conversions_for_the_next():
    withdrawal, conversions = _requested(PartnerFactory())

    assert conversions_release(withdrawal=withdrawal) == 2
    assert _states(conversions) == [("approved", None, False)] * 2
    assert PostbackDelivery.objects.count() == 0


def test_a_shopper_withdrawal_settles_no_conversion(django_assert_num_queries):
    withdrawal = Withdrawal(pk=1, source=Withdrawal.Source.CASHBACK)

    with django_assert_num_queries(0):
        assert conversions_mark_paid(withdrawal=withdrawal) == 0
        assert conversions_release(withdrawal=withdrawal) == 0
