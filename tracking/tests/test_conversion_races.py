"""Conversion postbacks and commission crediting racing each other on real PostgreSQL,
with real threads."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from affiliates.models import Conversion, Link
from affiliates.services.conversions import conversion_set_status
from affiliates.services.payable import commissions_make_payable
from affiliates.tests.factories import LinkFactory
from campaigns.models import Campaign
from campaigns.tests.factories import CampaignFactory, GoalFactory
from config.testing import race
from tracking.models import PostbackLog
from wallet.models import Account, Transaction
from wallet.services.audit import wallet_audit

from .factories import AffiliateClickFactory

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

D = Decimal
TOKEN = "race-token"
URL = "/postback/conversion/"


def _link(**campaign):
    link = LinkFactory(campaign=CampaignFactory(token=TOKEN, **campaign))
    GoalFactory(campaign=link.campaign, tracking_code="DEMOSALE01")  # fixed 10.00
    return link


def _params(click, **extra):
    return {
        "token": TOKEN,
        "click_id": str(click.click_id),
        "txn_id": "C1",
        "amount": "50.00",
        **extra,
    }


@pytest.mark.parametrize("capped", [False, True], ids=["no-caps", "caps-lock-taken"])
def test_forty_threads_posting_one_conversion_make_one(capped):
    # With a cap the campaign row is locked: the twins that queue behind the winner must
    # still see its conversion as theirs, not as one that filled the cap.
    link = _link(daily_conversion_cap=1 if capped else 0)
    click = AffiliateClickFactory(link=link)

    responses = race(40, lambda i: Client().get(URL, _params(click)))

    assert [r.status_code for r in responses] == [200] * 40
    assert sorted(r.json()["duplicate"] for r in responses) == [False] + [True] * 39
    conversion = Conversion.objects.get()
    assert {r.json()["conversion"]["id"] for r in responses} == {conversion.pk}
    assert (conversion.txn_id, conversion.commission) == ("C1", D("10.00"))
    link.refresh_from_db()
    assert (link.conversions_count, link.earnings) == (1, D("10.00"))
    outcomes = sorted(PostbackLog.objects.values_list("outcome", flat=True))
    assert outcomes == ["duplicate"] * 39 + ["success"]


def test_a_daily_conversion_cap_admits_exactly_that_many_under_arace():
    link = _link(daily_conversion_cap=5)
    clicks = [AffiliateClickFactory(link=link) for _ in range(30)]

    responses = race(30, lambda i: Client().get(URL, _params(clicks[i], txn_id=f"C{i}")))

    codes = sorted(r.status_code for r in responses)
    assert codes == [200] * 5 + [409] * 25
    refused = {r.json()["code"] for r in responses if r.status_code == 409}
    assert refused == {"cap_reached"}
    assert Conversion.objects.count() == 5
    link.refresh_from_db()
    assert (link.conversions_count, link.earnings) == (5, D("50.00"))


def test_a_payout_cap_admits_exactly_what_fits_under_arace():
    link = _link(monthly_payout_cap=D("45.00"))  # four commissions of 10.00 fit
    clicks = [AffiliateClickFactory(link=link) for _ in range(20)]

    responses = race(20, lambda i: Client().get(URL, _params(clicks[i], txn_id=f"C{i}")))

    assert sorted(r.status_code for r in responses) == [200] * 4 + [409] * 16
    assert Conversion.objects.count() == 4


def test_over_the_cap_with_hold_holds_exactly_the_extra_ones_under_arace():
    link = _link(daily_conversion_cap=3, over_cap=Campaign.OverCap.HOLD)
    clicks = [AffiliateClickFactory(link=link) for _ in range(12)]

    responses = race(12, lambda i: Client().get(URL, _params(clicks[i], txn_id=f"C{i}")))

    assert [r.status_code for r in responses] == [200] * 12
    assert Conversion.objects.filter(on_hold=False).count() == 3
    assert (
        list(Conversion.objects.filter(on_hold=True).values_list("hold_reasons", flat=True))
        == [["over_cap"]] * 9
    )


def test_twenty_threads_approving_one_conversion_approve_it_once():
    link = _link()
    click = AffiliateClickFactory(link=link)
    Client().get(URL, _params(click))

    responses = race(20, lambda i: Client().get(URL, _params(click, status="approved")))

    assert [r.status_code for r in responses] == [200] * 20
    assert sorted(r.json()["duplicate"] for r in responses) == [False] + [True] * 19
    assert Conversion.objects.get().status == "approved"


def test_approvals_and_declines_racing_end_declined_once():
    """approved → declined is a move but declined → approved is not: whatever the order,
    the conversion ends declined, its commission taken off the link once, and an approval
    that lost is refused rather than told it succeeded."""
    link = _link()
    click = AffiliateClickFactory(link=link)
    Client().get(URL, _params(click))

    responses = race(
        20, lambda i: Client().get(URL, _params(click, status="approved" if i % 2 else "declined"))
    )

    assert Conversion.objects.get().status == "declined"
    declines = [r for i, r in enumerate(responses) if not i % 2]
    approvals = [r for i, r in enumerate(responses) if i % 2]
    assert [r.status_code for r in declines] == [200] * 10
    assert sorted(r.json()["duplicate"] for r in declines) == [False] + [True] * 9
    assert {r.json()["conversion"]["status"] for r in declines} == {"declined"}
    approved = [r for r in approvals if r.status_code == 200]
    refused = [r for r in approvals if r.status_code != 200]
    assert {r.json()["conversion"]["status"] for r in approved} <= {"approved"}
    assert sorted(r.json()["duplicate"] for r in approved) == (
        [False] + [True] * (len(approved) - 1) if approved else []
    )
    assert {(r.status_code, r.json()["code"]) for r in refused} <= {(409, "invalid_transition")}
    link.refresh_from_db()
    assert (link.conversions_count, link.earnings) == (1, D("0.00"))


def test_parallel_crediting_runs_credit_every_commission_exactly_once():
    link = _link(holding_days=0)
    for i in range(40):
        Client().get(
            URL, _params(AffiliateClickFactory(link=link), txn_id=f"C{i}", status="approved")
        )
    later = timezone.now() + timedelta(minutes=1)

    credited = race(4, lambda i: commissions_make_payable(now=later, batch_size=7))

    assert sum(credited) == 40
    assert Transaction.objects.filter(kind="commission.payable").count() == 40
    payable = Account.objects.get(owner=link.partner.user, kind=Account.Kind.PARTNER_PAYABLE)
    assert payable.balance == D("400.00")
    assert wallet_audit() == []


def test_declining_while_crediting_leaves_the_books_square():
    link = _link(holding_days=0)
    for i in range(20):
        Client().get(
            URL, _params(AffiliateClickFactory(link=link), txn_id=f"C{i}", status="approved")
        )
    conversions = list(Conversion.objects.order_by("pk"))
    later = timezone.now() + timedelta(minutes=1)

    def run(i):
        if i == 0:
            return commissions_make_payable(now=later, batch_size=3)
        return conversion_set_status(
            conversion=conversions[i - 1], status="declined", reason="Refunded."
        )

    results = race(11, run)

    assert results[1:] == [True] * 10
    declined = set(Conversion.objects.filter(status="declined").values_list("pk", flat=True))
    assert declined == {c.pk for c in conversions[:10]}
    # Every declined commission either was never credited or was credited and taken back.
    credited_and_reversed = Transaction.objects.filter(kind="commission.reverse").count()
    never_credited = Conversion.objects.filter(pk__in=declined, credited_at__isnull=True).count()
    assert credited_and_reversed + never_credited == 10
    commissions_make_payable(now=later)
    payable = Account.objects.get(owner=link.partner.user, kind=Account.Kind.PARTNER_PAYABLE)
    assert payable.balance == D("100.00")  # the ten that stayed approved
    assert Link.objects.get(pk=link.pk).earnings == D("100.00")
    assert wallet_audit() == []
