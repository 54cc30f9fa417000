"""Real threads on PostgreSQL: the unique constraint decides a double submit, and the
conditional UPDATE decides which batch a claim goes into."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import StaffFactory, UserFactory
from config.testing import race
from support.models import ClaimBatch, MissingCashbackClaim, Ticket, TicketMessage
from support.services.claims import DuplicateClaim, claim_file
from support.services.claims_decide import claims_batch

from .factories_claims import click_days_ago, ready_claim

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_a_double_submit_files_one_claim_and_answers_the_other_409():
    user = UserFactory()
    click = click_days_ago(user, 10)
    order_date = timezone.localdate() - timedelta(days=9)

    results = race(
        2,
        lambda i: claim_file(
            user=user,
            click_uuid=click.click_id,
            order_id=["dbl-1", " DBL-1"][i],
            order_date=order_date,
            order_amount="30.00",
        ),
    )

    filed = [r for r in results if isinstance(r, MissingCashbackClaim)]
    refused = [r for r in results if isinstance(r, DuplicateClaim)]
    assert (len(filed), len(refused)) == (1, 1), results
    assert refused[0].http_status == 409
    # The loser's ticket rolled back with its claim.
    assert (
        MissingCashbackClaim.objects.count(),
        Ticket.objects.count(),
        TicketMessage.objects.count(),
    ) == (1, 1, 1)


def test_two_staff_batching_the_same_claims_at_once_put_each_in_exactly_one_batch():
    shopper = UserFactory()
    first = ready_claim(shopper, order_id="B-1")
    merchant = first.merchant
    claims = [first] + [
        ready_claim(shopper, click=click_days_ago(shopper, 10, merchant), order_id=f"B-{n}")
        for n in range(2, 7)
    ]
    staff = [StaffFactory(), StaffFactory()]

    results = race(2, lambda i: claims_batch(claims=claims, actor=staff[i]))

    assert not [r for r in results if isinstance(r, Exception)], results
    batches = list(ClaimBatch.objects.all())
    assert sum(b.claim_count for b in batches) == 6
    in_batches = list(
        MissingCashbackClaim.objects.filter(batch__isnull=False).values_list("pk", flat=True)
    )
    assert sorted(in_batches) == sorted(c.pk for c in claims)
    assert set(MissingCashbackClaim.objects.values_list("status", flat=True)) == {"submitted"}
    for batch in batches:
        assert batch.claims.count() == batch.claim_count > 0


def _approved_with_network_sale(shopper):
    from decimal import Decimal

    from django.contrib.auth.models import Group

    from support.services.claims_decide import claim_approve
    from wallet.services.cashback import cashback_record

    claim = ready_claim(shopper, order_id="R-1")
    agent = StaffFactory()
    agent.groups.add(Group.objects.get(name="Support agent"))
    claim_approve(claim=claim, actor=agent, cashback="4.25", commission="8.00")
    cashback_record(
        user_id=shopper.pk,
        network=claim.network,
        merchant=claim.merchant,
        offer_id=None,
        click_uuid=claim.click_uuid,
        txn_id="NET-R1",
        sale_amount=Decimal("120.50"),
        commission=Decimal("6.00"),
        cashback=Decimal("3.00"),
        currency="USD",
        network_status=None,
    )
    claim.refresh_from_db()
    return claim


def test_two_advance_runs_at_once_withdraw_an_approved_claims_credit_once():
    from decimal import Decimal

    from support.models import Notification
    from support.services.claims import claims_advance
    from wallet.models import CashbackEvent
    from wallet.services.audit import wallet_audit
    from wallet.tests.factories import balances

    shopper = UserFactory()
    claim = _approved_with_network_sale(shopper)

    results = race(2, lambda i: claims_advance())

    assert sorted(r["tracked"] for r in results) == [0, 1], results
    claim.refresh_from_db()
    assert claim.status == MissingCashbackClaim.Status.TRACKED
    assert CashbackEvent.objects.get(pk=claim.cashback_event_id).status == "rejected"
    assert balances(shopper) == {
        "available": Decimal("0.00"),
        "pending": Decimal("3.00"),
        "hold": Decimal("0.00"),
    }
    assert Notification.objects.filter(key=f"claim-tracked:{claim.pk}").count() == 1
    assert wallet_audit() == []
