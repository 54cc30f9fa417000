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
