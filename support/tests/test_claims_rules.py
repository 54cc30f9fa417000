"""claim_file's rules: each refused with its code, and nothing written (no claim, no
ticket, no message)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from config.errors import Conflict, NotFound
from offers.tests.factories import MerchantFactory
from support.models import MissingCashbackClaim, Ticket
from support.services.claims import claim_file
from wallet.tests.factories import recorded_event

from .factories_claims import click_days_ago, counts, file_claim

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _refused(code, **kwargs):
    before = counts()
    with pytest.raises(Exception) as caught:
        claim_file(**kwargs)
    assert getattr(caught.value, "code", None) == code, caught.value
    assert counts() == before
    return caught.value


def _args(user, click, **overrides):
    return {
        "user": user,
        "click_uuid": click.click_id,
        "order_id": "ord-77",
        "order_date": TODAY() - timedelta(days=9),
        "order_amount": "59.90",
        **overrides,
    }


def test_a_claim_is_filed_on_ice_with_its_ticket_and_the_order_in_the_first_message():
    user = UserFactory()
    click = click_days_ago(user, 10)

    claim = claim_file(**_args(user, click, order_id="  ab-12/x "))

    assert claim.status == MissingCashbackClaim.Status.ON_ICE
    assert claim.order_id == "AB-12/X"
    assert claim.order_amount == Decimal("59.90")
    assert claim.ice_until == TODAY() - timedelta(days=9) + timedelta(days=30)
    assert (claim.merchant, claim.network) == (click.merchant, click.merchant.network)
    assert (claim.click_uuid, claim.clicked_at) == (click.click_id, click.created_at)
    ticket = claim.ticket
    assert ticket.requester == user
    assert ticket.category == Ticket.Category.MISSING_CASHBACK
    assert ticket.subject == f"Missing cashback: {click.merchant.name} order AB-12/X"
    [message] = ticket.messages.all()
    assert "Order id: AB-12/X" in message.body and "Order amount: 59.90 USD" in message.body
    assert counts() == (1, 1, 1)


def test_an_order_past_the_stores_validation_window_is_ready_at_once():
    user = UserFactory()
    merchant = MerchantFactory(confirmation_days=5, claim_wait_days=3)
    claim = file_claim(user, click_days_ago(user, 10, merchant), order_days_ago=9)

    assert claim.status == MissingCashbackClaim.Status.READY
    assert claim.ice_until == TODAY() - timedelta(days=4)


def test_another_shoppers_click_or_an_unknown_or_malformed_id_is_not_found():
    owner, other = UserFactory(), UserFactory()
    click = click_days_ago(owner, 10)

    refusal = _refused("not_found", **_args(other, click))
    assert isinstance(refusal, NotFound) and refusal.http_status == 404
    _refused("not_found", **_args(owner, click, click_uuid="not-a-uuid"))
    _refused("not_found", **_args(owner, click, click_uuid="8c0f4b7e-3f4a-4a8e-9d55-000000000000"))


def test_a_click_after_the_order_day_or_older_than_the_window_is_no_click():
    user = UserFactory()
    merchant = MerchantFactory(confirmation_days=30, claim_wait_days=3)
    after = click_days_ago(user, 5, merchant)  # the order was 9 days ago
    too_old = click_days_ago(user, 9 + 31, merchant)  # CLAIM_CLICK_WINDOW_DAYS is 30

    _refused("no_click", **_args(user, after))
    _refused("no_click", **_args(user, too_old))
    # The window's edge is inside it: 30 days before the order day.
    edge = click_days_ago(user, 9 + 30, merchant)
    assert claim_file(**_args(user, edge)).click_uuid == edge.click_id


def test_an_order_date_in_the_future_is_invalid_date():
    user = UserFactory()
    _refused(
        "invalid_date",
        **_args(user, click_days_ago(user, 1), order_date=TODAY() + timedelta(days=1)),
    )


def test_too_early_names_the_date_it_can_be_filed_from():
    user = UserFactory()
    click = click_days_ago(user, 2)
    order_date = TODAY() - timedelta(days=1)

    refusal = _refused("too_early", **_args(user, click, order_date=order_date))

    earliest = order_date + timedelta(days=3)
    assert f"from {earliest:%B} {earliest.day}, {earliest.year}" in refusal.detail


def test_an_order_older_than_the_maximum_age_is_too_late(settings):
    settings.CLAIM_MAX_AGE_DAYS = 90
    user = UserFactory()
    click = click_days_ago(user, 92)
    _refused("too_late", **_args(user, click, order_date=TODAY() - timedelta(days=91)))


def test_the_same_order_again_even_written_differently_is_duplicate_claim():
    user = UserFactory()
    click = click_days_ago(user, 10)
    claim_file(**_args(user, click, order_id="abc-1"))

    refusal = _refused("duplicate_claim", **_args(user, click, order_id=" ABC-1 "))
    assert isinstance(refusal, Conflict) and refusal.http_status == 409
    # Another order on the same trip is a claim of its own.
    assert claim_file(**_args(user, click, order_id="abc-2")).order_id == "ABC-2"


def test_a_click_that_already_has_cashback_is_already_tracked():
    user = UserFactory()
    click = click_days_ago(user, 10)
    event = recorded_event(user, merchant=click.merchant)
    type(event).objects.filter(pk=event.pk).update(click_uuid=click.click_id)

    refusal = _refused("already_tracked", **_args(user, click))
    assert refusal.http_status == 409


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        ("0", "invalid_amount"),
        ("-5.00", "invalid_amount"),
        ("10.005", "invalid_amount"),
        ("1e3", "invalid_amount"),
        ("\uff11\uff10", "invalid_amount"),  # full-width digits
        ("1000000.01", "amount_too_large"),
    ],
)
def test_amounts_that_are_not_positive_two_decimal_numbers_within_the_limit_are_refused(
    amount, code
):
    user = UserFactory()
    _refused(code, **_args(user, click_days_ago(user, 10), order_amount=amount))


@pytest.mark.parametrize("order_id", ["", "   ", "=HYPERLINK(1)", "x" * 101, "a\nb"])
def test_a_blank_oversized_or_formula_order_id_is_refused(order_id):
    user = UserFactory()
    _refused("invalid_order_id", **_args(user, click_days_ago(user, 10), order_id=order_id))


def test_a_claim_over_the_hourly_limit_is_throttled(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "support_claim_account": (2, 3600)}
    user = UserFactory()
    click = click_days_ago(user, 10)
    claim_file(**_args(user, click, order_id="A1"))
    claim_file(**_args(user, click, order_id="A2"))

    refusal = _refused("too_many_attempts", **_args(user, click, order_id="A3"))
    assert refusal.http_status == 429
