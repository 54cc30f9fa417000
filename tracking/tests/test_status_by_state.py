"""The status-by-state table (config/report_states.py), every cell, through the real
postback endpoints: what each reported status does to a cashback event or a conversion in
each state, the money it moves (exactly), and that a refused report changes nothing."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import StatusChange
from affiliates.models import Conversion, Link
from affiliates.services.paid import conversions_mark_paid
from affiliates.services.payable import commissions_make_payable
from affiliates.services.payouts import partner_payout_request
from affiliates.tests.factories import LinkFactory
from campaigns.tests.factories import CampaignFactory, GoalFactory
from offers.tests.factories import NETWORK_TOKEN
from tracking.models import PostbackLog
from wallet.models import Account, CashbackEvent, Entry, Transaction
from wallet.services.cashback import cashback_reject
from wallet.services.confirmation import cashback_confirm_due

from .factories import AffiliateClickFactory, ClickFactory

pytestmark = pytest.mark.django_db

D = Decimal
ZERO = D("0.00")
REPORTED = ("pending", "approved", "rejected", "reversed")

# --- cashback events ----------------------------------------------------------------------

# How each state is reached, as the network (and the confirmation job, and staff) would.
EVENT_STATES = {
    "pending": [],
    "approved": ["approved"],
    "confirmed": ["job"],  # auto-confirmed after the lock period; the network still pending
    "confirmed_approved": ["approved", "job"],
    "rejected": ["rejected"],
    "reversed": ["approved", "reversed"],
    "staff_rejected": ["staff_reject"],  # the network still says pending
}

ALL = "pending, approved, rejected or reversed"
# (state, reported) → 409 with the reports that state takes, or
# (duplicate, status after, network_status after, ledger transactions added).
EVENT_CELLS = {
    ("pending", "pending"): (True, "pending", "pending", []),
    ("pending", "approved"): (False, "pending", "approved", []),
    ("pending", "rejected"): (False, "rejected", "rejected", ["cashback.reject"]),
    # impact.com: REVERSED for a sale never approved is a rejection.
    ("pending", "reversed"): (False, "rejected", "reversed", ["cashback.reject"]),
    # A hold after approval (Affise 5, Admitad approved_but_stalled): the approval stands.
    ("approved", "pending"): (True, "pending", "approved", []),
    ("approved", "approved"): (True, "pending", "approved", []),
    # Everflow, TUNE, Affise, PAP: rejected after approval is a reversal.
    ("approved", "rejected"): (False, "reversed", "rejected", ["cashback.reverse"]),
    ("approved", "reversed"): (False, "reversed", "reversed", ["cashback.reverse"]),
    # The network's own last word again: a duplicate, though the event moved on.
    ("confirmed", "pending"): (True, "confirmed", "pending", []),
    # Confirmed before the network approved: the approval is noted, no money moves.
    ("confirmed", "approved"): (False, "confirmed", "approved", []),
    ("confirmed", "rejected"): (False, "reversed", "rejected", ["cashback.reverse"]),
    ("confirmed", "reversed"): (False, "reversed", "reversed", ["cashback.reverse"]),
    ("confirmed_approved", "pending"): (True, "confirmed", "approved", []),
    ("confirmed_approved", "approved"): (True, "confirmed", "approved", []),
    ("confirmed_approved", "rejected"): (False, "reversed", "rejected", ["cashback.reverse"]),
    ("confirmed_approved", "reversed"): (False, "reversed", "reversed", ["cashback.reverse"]),
    ("rejected", "pending"): "rejected or reversed",
    ("rejected", "approved"): "rejected or reversed",
    ("rejected", "rejected"): (True, "rejected", "rejected", []),
    # A duplicate keeps the word that put the event where it is.
    ("rejected", "reversed"): (True, "rejected", "rejected", []),
    ("reversed", "pending"): "rejected or reversed",
    ("reversed", "approved"): "rejected or reversed",
    ("reversed", "rejected"): (True, "reversed", "reversed", []),
    ("reversed", "reversed"): (True, "reversed", "reversed", []),
    ("staff_rejected", "pending"): (True, "rejected", "pending", []),
    ("staff_rejected", "approved"): "rejected or reversed",
    ("staff_rejected", "rejected"): (True, "rejected", "pending", []),
    ("staff_rejected", "reversed"): (True, "rejected", "pending", []),
}
# What the event's status leaves on the books: (shopper pending, shopper available,
# network receivable). The sale: 100.00 at 10%, commission 20.00 → cashback 10.00.
BOOKS = {
    "pending": (D("10.00"), ZERO, D("20.00")),
    "confirmed": (ZERO, D("10.00"), D("20.00")),
    "rejected": (ZERO, ZERO, ZERO),
    "reversed": (ZERO, ZERO, ZERO),
}


def _network_postback(client, click, status):
    return client.get(
        f"/postback/{click.merchant.network.slug}/",
        {
            "token": NETWORK_TOKEN,
            "click_id": str(click.click_id),
            "txn_id": "T1",
            "sale_amount": "100.00",
            "commission": "20.00",
            "status": status,
        },
    )


def _event_in(client, state):
    click = ClickFactory()
    assert _network_postback(client, click, "pending").status_code == 200
    for step in EVENT_STATES[state]:
        if step == "job":
            cashback_confirm_due(now=timezone.now() + timedelta(days=31))
        elif step == "staff_reject":
            cashback_reject(event=CashbackEvent.objects.get(), reason="Order cancelled.")
        else:
            assert _network_postback(client, click, step).status_code == 200
    return click


def _balance(owner, kind):
    account = Account.objects.filter(owner=owner, kind=kind).first()
    return account.balance if account else ZERO


def _books(user):
    return (
        _balance(user, "pending"),
        _balance(user, "available"),
        _balance(None, "network_receivable"),
    )


def _event_snapshot():
    return (
        list(CashbackEvent.objects.values()),
        list(Transaction.objects.values_list("kind", flat=True).order_by("id")),
        Entry.objects.count(),
        StatusChange.objects.count(),
        list(Account.objects.values_list("pk", "balance").order_by("pk")),
    )


def test_every_event_cell_is_named():
    assert set(EVENT_CELLS) == {(state, word) for state in EVENT_STATES for word in REPORTED}


@pytest.mark.parametrize(("state", "reported"), list(EVENT_CELLS))
def test_a_network_status_is_read_by_the_events_state(client, state, reported):
    click = _event_in(client, state)
    before = _event_snapshot()
    kinds_before = before[1]

    response = _network_postback(client, click, reported)

    expected = EVENT_CELLS[(state, reported)]
    event = CashbackEvent.objects.get()
    if isinstance(expected, str):
        assert response.status_code == 409, response.content
        body = response.json()
        assert body["code"] == "invalid_transition"
        row = {"confirmed_approved": "confirmed", "staff_rejected": "rejected"}.get(state, state)
        assert body["detail"].startswith(f"Transaction T1 is {row}; it cannot become {reported}: ")
        assert body["detail"].endswith(f"It takes {expected}.")
        assert _event_snapshot() == before
        assert PostbackLog.objects.order_by("id").last().outcome == "failure"
    else:
        duplicate, status, network_status, added = expected
        assert response.status_code == 200, response.content
        assert response.json()["duplicate"] is duplicate
        assert (event.status, event.network_status) == (status, network_status)
        kinds = list(Transaction.objects.values_list("kind", flat=True).order_by("id"))
        assert kinds == kinds_before + added
        assert _books(click.user) == BOOKS[status]
        moved = status != before[0][0]["status"]
        assert StatusChange.objects.count() == before[3] + moved  # history for a move only
    call_command("wallet_audit")


def test_a_confirmed_events_late_approval_is_recorded_without_money(client):
    click = _event_in(client, "confirmed")
    assert CashbackEvent.objects.get().network_approved_at is None

    _network_postback(client, click, "approved")

    event = CashbackEvent.objects.get()
    assert event.network_approved_at is not None
    assert _books(click.user) == (ZERO, D("10.00"), D("20.00"))


# --- conversions --------------------------------------------------------------------------

TOKEN = "conversion-token-states"
CONVERSION_WORDS = ("pending", "approved", "rejected", "declined", "reversed")
CONVERSION_STATES = ("pending", "approved", "credited", "declined", "in_payout", "paid")
DECLINES = ("rejected", "declined", "reversed")

# (state, reported) → ("409", code, the reports that state takes) or
# (duplicate, status after, ledger transactions added).
CONVERSION_CELLS = {
    ("pending", "pending"): (True, "pending", []),
    ("pending", "approved"): (False, "approved", []),
    **{("pending", word): (False, "declined", []) for word in DECLINES},
    # A hold after approval: the approval stands.
    ("approved", "pending"): (True, "approved", []),
    ("approved", "approved"): (True, "approved", []),
    **{("approved", word): (False, "declined", []) for word in DECLINES},
    ("credited", "pending"): (True, "approved", []),
    ("credited", "approved"): (True, "approved", []),
    # Credited to the partner's payable balance already: the decline takes it back.
    **{("credited", word): (False, "declined", ["commission.reverse"]) for word in DECLINES},
    ("declined", "pending"): ("409", "invalid_transition", "rejected or reversed"),
    ("declined", "approved"): ("409", "invalid_transition", "rejected or reversed"),
    **{("declined", word): (True, "declined", []) for word in DECLINES},
    ("in_payout", "pending"): (True, "approved", []),
    ("in_payout", "approved"): (True, "approved", []),
    **{("in_payout", word): ("409", "in_payout", None) for word in DECLINES},
    ("paid", "pending"): (True, "paid", []),
    ("paid", "approved"): (True, "paid", []),
    **{("paid", word): ("409", "invalid_transition", "pending or approved") for word in DECLINES},
}


def _conversion_postback(client, click, status):
    return client.get(
        "/postback/conversion/",
        {
            "token": TOKEN,
            "click_id": str(click.click_id),
            "txn_id": "C1",
            "amount": "300.00",
            "status": status,
        },
    )


def _conversion_in(client, state):
    campaign = CampaignFactory(token=TOKEN, holding_days=0)
    GoalFactory(campaign=campaign, commission_value=D("60.0000"))  # above the payout minimum
    click = AffiliateClickFactory(link=LinkFactory(campaign=campaign))
    first = "declined" if state == "declined" else "pending" if state == "pending" else "approved"
    assert _conversion_postback(client, click, first).status_code == 200
    if state in ("credited", "in_payout", "paid"):
        assert commissions_make_payable(now=timezone.now() + timedelta(seconds=1)) == 1
    if state in ("in_payout", "paid"):
        withdrawal = partner_payout_request(partner=click.link.partner)
        if state == "paid":
            conversions_mark_paid(withdrawal=withdrawal)
    assert Conversion.objects.get().status == {"credited": "approved", "in_payout": "approved"}.get(
        state, state
    )
    return click


def _conversion_snapshot():
    return (
        list(Conversion.objects.values()),
        list(Link.objects.values_list("pk", "earnings", "conversions_count")),
        list(Transaction.objects.values_list("kind", flat=True).order_by("id")),
        Entry.objects.count(),
        StatusChange.objects.count(),
        list(Account.objects.values_list("pk", "balance").order_by("pk")),
    )


def test_every_conversion_cell_is_named():
    assert set(CONVERSION_CELLS) == {
        (state, word) for state in CONVERSION_STATES for word in CONVERSION_WORDS
    }


@pytest.mark.parametrize(("state", "reported"), list(CONVERSION_CELLS))
def test_an_advertisers_status_is_read_by_the_conversions_state(client, state, reported):
    click = _conversion_in(client, state)
    partner_user = click.link.partner.user
    payable_before = _balance(partner_user, "partner_payable")
    before = _conversion_snapshot()

    response = _conversion_postback(client, click, reported)

    expected = CONVERSION_CELLS[(state, reported)]
    if expected[0] == "409":
        _, code, allowed = expected
        assert response.status_code == 409, response.content
        body = response.json()
        assert body["code"] == code
        if allowed:
            assert body["detail"].endswith(f"It takes {allowed}.")
        if state == "paid" and reported in DECLINES:
            assert "already paid out" in body["detail"]
        assert _conversion_snapshot() == before
    else:
        duplicate, status, added = expected
        assert response.status_code == 200, response.content
        assert response.json()["duplicate"] is duplicate
        conversion = Conversion.objects.get()
        assert conversion.status == status
        assert list(Transaction.objects.values_list("kind", flat=True).order_by("id")) == (
            before[2] + added
        )
        link = Link.objects.get()
        counted = status != "declined"
        assert link.earnings == (D("60.00") if counted else ZERO)
        if added:
            assert payable_before == D("60.00")
            assert _balance(partner_user, "partner_payable") == ZERO
        else:
            assert _balance(partner_user, "partner_payable") == payable_before
        if duplicate:
            assert _conversion_snapshot() == before
    call_command("wallet_audit")
