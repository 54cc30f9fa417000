"""A network changes a sale's amounts after reporting it (a modified order, a partial
chargeback): the event and the shopper's cashback follow through the ledger, exactly,
once, and the shopper is told why."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import SuperuserFactory
from offers.tests.factories import NETWORK_TOKEN
from tracking.models import PostbackLog
from wallet.models import Account, CashbackAmendment, CashbackEvent, Entry, Transaction
from wallet.services.confirmation import cashback_confirm_due
from wallet.tests.factories import spend

from .factories import ClickFactory

pytestmark = pytest.mark.django_db

D = Decimal
ZERO = D("0.00")


def _postback(client, click, **params):
    query = {
        "token": NETWORK_TOKEN,
        "click_id": str(click.click_id),
        "txn_id": "T1",
        "sale_amount": "100.00",
        "commission": "20.00",
        **params,
    }
    return client.get(
        f"/postback/{click.merchant.network.slug}/",
        {k: v for k, v in query.items() if v is not None},
    )


def _balance(owner, kind):
    account = Account.objects.filter(owner=owner, kind=kind).first()
    return account.balance if account else ZERO


def _books(user):
    """(shopper pending, shopper available, network receivable, cashback expense)."""
    return (
        _balance(user, "pending"),
        _balance(user, "available"),
        _balance(None, "network_receivable"),
        _balance(None, "cashback_expense"),
    )


def _amounts():
    event = CashbackEvent.objects.get()
    return event.sale_amount, event.commission, event.cashback_amount


def _snapshot():
    return (
        list(CashbackEvent.objects.values()),
        list(CashbackAmendment.objects.values()),
        Transaction.objects.count(),
        Entry.objects.count(),
        list(Account.objects.values_list("pk", "balance").order_by("pk")),
    )


@pytest.fixture
def sale(client):
    """A pending sale: 100.00 at 10%, commission 20.00 → cashback 10.00."""
    click = ClickFactory()
    assert _postback(client, click).status_code == 200
    assert _books(click.user) == (D("10.00"), ZERO, D("20.00"), D("-10.00"))
    return click


def test_a_changed_sale_amount_adjusts_the_pending_cashback_exactly(client, sale):
    response = _postback(client, sale, sale_amount="70.00", commission="14.00")

    assert response.status_code == 200
    assert response.json()["duplicate"] is False
    assert response.json()["event"]["cashback"] == "7.00"
    assert _amounts() == (D("70.00"), D("14.00"), D("7.00"))
    assert _books(sale.user) == (D("7.00"), ZERO, D("14.00"), D("-7.00"))
    amendment = CashbackAmendment.objects.get()
    assert (
        amendment.kind,
        amendment.sale_amount_before,
        amendment.sale_amount_after,
        amendment.commission_before,
        amendment.commission_after,
        amendment.cashback_before,
        amendment.cashback_after,
        amendment.event_status,
    ) == (
        "change",
        D("100.00"),
        D("70.00"),
        D("20.00"),
        D("14.00"),
        D("10.00"),
        D("7.00"),
        "pending",
    )
    posting = Transaction.objects.get(kind="cashback.amend")
    assert posting.idempotency_key == f"cashback:{amendment.event_id}:amend:{amendment.pk}"
    assert posting.memo == (
        f"{sale.merchant.name} changed the order: 100.00 → 70.00, cashback 10.00 → 7.00"
    )
    call_command("wallet_audit")


def test_the_same_new_amounts_again_are_a_duplicate_and_change_nothing(client, sale):
    _postback(client, sale, sale_amount="70.00", commission="14.00")
    before = _snapshot()

    response = _postback(client, sale, sale_amount="70.00", commission="14.00")

    assert (response.status_code, response.json()["duplicate"]) == (200, True)
    assert _snapshot() == before
    assert PostbackLog.objects.order_by("id").last().outcome == "duplicate"


def test_an_absent_sale_amount_keeps_the_current_one(client, sale):
    response = _postback(client, sale, sale_amount=None, commission="6.00")

    assert response.status_code == 200
    # 10% of the 100.00 sale is 10.00, capped by the new 6.00 commission.
    assert _amounts() == (D("100.00"), D("6.00"), D("6.00"))
    assert _books(sale.user) == (D("6.00"), ZERO, D("6.00"), D("-6.00"))
    amendment = CashbackAmendment.objects.get()
    assert (amendment.reported_sale_amount, amendment.sale_amount_after) == (None, D("100.00"))


def test_amounts_the_transaction_carried_before_are_a_resent_report(client, sale):
    """Idempotent on (transaction, amounts): a late retry of the first report, or a
    change re-read by the next sync, never undoes a later change."""
    changed = _postback(client, sale, sale_amount="50.00")
    assert (changed.status_code, changed.json()["duplicate"]) == (200, False)
    assert _books(sale.user)[0] == D("5.00")

    for amount in ("100.00", "50.00", "100.00"):  # the first report's, then the change's
        response = _postback(client, sale, sale_amount=amount)
        assert (response.status_code, response.json()["duplicate"]) == (200, True)
        assert _books(sale.user)[0] == D("5.00")

    new_totals = _postback(client, sale, sale_amount="80.00")
    assert (new_totals.json()["duplicate"], _books(sale.user)[0]) == (False, D("8.00"))
    assert CashbackAmendment.objects.count() == 2
    assert Transaction.objects.filter(kind="cashback.amend").count() == 2
    call_command("wallet_audit")


def test_a_change_the_cap_absorbs_is_recorded_without_money(client):
    click = ClickFactory(cashback_type="fixed", cashback_value=D("3.00"))
    _postback(client, click)
    transactions = Transaction.objects.count()

    response = _postback(client, click, sale_amount="80.00")

    assert (response.status_code, response.json()["duplicate"]) == (200, False)
    assert _amounts() == (D("80.00"), D("20.00"), D("3.00"))
    assert CashbackAmendment.objects.get().cashback_delta == ZERO
    assert Transaction.objects.count() == transactions
    call_command("wallet_audit")


def test_a_confirmed_sale_changed_later_is_adjusted_on_the_available_balance(client, sale):
    cashback_confirm_due(now=timezone.now() + timedelta(days=31))
    spend(sale.user, "10.00", key="spent")  # the shopper withdrew it all

    response = _postback(client, sale, sale_amount="40.00", commission="8.00")

    assert response.status_code == 200
    assert _amounts() == (D("40.00"), D("8.00"), D("4.00"))
    # 6.00 taken back from a balance already spent: negative, repaid by later cashback.
    assert _books(sale.user) == (ZERO, D("-6.00"), D("8.00"), D("-4.00"))
    assert CashbackAmendment.objects.get().event_status == "confirmed"
    entry = Entry.objects.get(account__owner=sale.user, transaction__kind="cashback.amend")
    assert entry.amount == D("-6.00")
    assert entry.transaction.memo.endswith(
        "changed the order: 100.00 → 40.00, cashback 10.00 → 4.00"
    )
    call_command("wallet_audit")


def test_a_confirmation_after_a_change_credits_the_new_amount(client, sale):
    _postback(client, sale, sale_amount="70.00", commission="14.00")

    cashback_confirm_due(now=timezone.now() + timedelta(days=31))

    assert _books(sale.user) == (ZERO, D("7.00"), D("14.00"), D("-7.00"))
    call_command("wallet_audit")


@pytest.mark.parametrize(
    ("status", "expected_status", "books"),
    [
        # The status applies after the amounts, so the reversal takes back what is there.
        ("rejected", "rejected", (ZERO, ZERO, ZERO, ZERO)),
        ("reversed", "rejected", (ZERO, ZERO, ZERO, ZERO)),
        ("approved", "pending", (D("7.00"), ZERO, D("14.00"), D("-7.00"))),
    ],
)
def test_a_status_and_new_amounts_in_one_report(client, sale, status, expected_status, books):
    _postback(client, sale, sale_amount="70.00", commission="14.00")  # changed while pending

    response = _postback(client, sale, sale_amount="70.00", commission="14.00", status=status)

    assert response.status_code == 200
    assert CashbackEvent.objects.get().status == expected_status
    assert _books(sale.user) == books
    call_command("wallet_audit")


def test_approved_with_new_amounts_adjusts_first_then_approves(client, sale):
    """impact.com: a brand modifies the sale and approves it in one report."""
    response = _postback(client, sale, sale_amount="60.00", commission="12.00", status="approved")

    assert (response.status_code, response.json()["duplicate"]) == (200, False)
    event = CashbackEvent.objects.get()
    assert (event.network_status, event.cashback_amount) == ("approved", D("6.00"))
    assert CashbackAmendment.objects.get().event_status == "pending"
    cashback_confirm_due()
    assert _books(sale.user) == (ZERO, D("6.00"), D("12.00"), D("-6.00"))


def test_a_rejection_carrying_new_amounts_ignores_them(client, sale):
    response = _postback(client, sale, sale_amount="30.00", commission="6.00", status="rejected")

    assert response.status_code == 200
    assert _amounts() == (D("100.00"), D("20.00"), D("10.00"))
    assert CashbackAmendment.objects.count() == 0
    assert _books(sale.user) == (ZERO, ZERO, ZERO, ZERO)


@pytest.mark.parametrize("final", ["rejected", "reversed"])
@pytest.mark.parametrize(("sale_amount", "commission"), [("30.00", "6.00"), ("-30.00", "-5.00")])
def test_a_final_event_ignores_new_amounts(client, sale, final, sale_amount, commission):
    _postback(client, sale, status="approved")
    _postback(client, sale, status=final)
    before = _snapshot()

    response = _postback(client, sale, sale_amount=sale_amount, commission=commission, status=final)

    assert (response.status_code, response.json()["duplicate"]) == (200, True)
    assert _snapshot() == before


# --- partial chargebacks ------------------------------------------------------------------


def test_a_partial_chargeback_lowers_the_amounts_once(client, sale):
    response = _postback(client, sale, sale_amount="-30.00", commission="-6.00")

    assert (response.status_code, response.json()["duplicate"]) == (200, False)
    assert _amounts() == (D("70.00"), D("14.00"), D("7.00"))
    assert _books(sale.user) == (D("7.00"), ZERO, D("14.00"), D("-7.00"))
    amendment = CashbackAmendment.objects.get()
    assert (amendment.kind, amendment.reported_sale_amount, amendment.reported_commission) == (
        "chargeback",
        D("-30.00"),
        D("-6.00"),
    )
    assert Transaction.objects.get(kind="cashback.amend").memo == (
        f"{sale.merchant.name} charged back part of the order: 100.00 → 70.00, "
        "cashback 10.00 → 7.00"
    )
    before = _snapshot()

    again = _postback(client, sale, sale_amount="-30.00", commission="-6.00")

    assert (again.status_code, again.json()["duplicate"]) == (200, True)
    assert _snapshot() == before
    call_command("wallet_audit")


def test_a_second_different_chargeback_applies_too(client, sale):
    _postback(client, sale, sale_amount="-30.00", commission="-6.00")

    _postback(client, sale, sale_amount="-20.00", commission="0.00")

    assert _amounts() == (D("50.00"), D("14.00"), D("5.00"))
    assert CashbackAmendment.objects.count() == 2
    call_command("wallet_audit")


def test_a_chargeback_never_takes_an_amount_below_zero(client, sale):
    _postback(client, sale, sale_amount="-500.00", commission="-500.00")

    assert _amounts() == (ZERO, ZERO, ZERO)
    assert _books(sale.user) == (ZERO, ZERO, ZERO, ZERO)
    call_command("wallet_audit")


def test_a_chargeback_after_confirmation_takes_from_available(client, sale):
    _postback(client, sale, status="approved")
    cashback_confirm_due()

    _postback(client, sale, sale_amount="-50.00", commission="-10.00", status="approved")

    assert _books(sale.user) == (ZERO, D("5.00"), D("10.00"), D("-5.00"))
    call_command("wallet_audit")


@pytest.mark.parametrize(
    ("sale_amount", "commission"), [("-10.00", "5.00"), ("10.00", "-1.00"), ("-0.01", "0.01")]
)
def test_mixed_signs_are_refused_and_change_nothing(client, sale, sale_amount, commission):
    before = _snapshot()

    response = _postback(client, sale, sale_amount=sale_amount, commission=commission)

    assert response.status_code == 400
    assert response.json()["code"] == "mixed_amount_signs"
    assert _snapshot() == before


def test_a_chargeback_of_an_unknown_transaction_records_nothing(client, sale):
    before = _snapshot()

    response = _postback(client, sale, txn_id="NEVER", sale_amount="-10.00", commission="-2.00")

    assert response.status_code == 409
    assert response.json()["code"] == "unknown_transaction"
    assert _snapshot() == before


# --- what the shopper and staff see -------------------------------------------------------


def test_the_activity_page_and_the_statement_explain_the_change(client, sale):
    _postback(client, sale, sale_amount="70.00", commission="14.00")
    client.force_login(sale.user)

    activity = client.get(reverse("tracking:activity")).content.decode()
    statement = client.get(reverse("wallet:statement"), {"account": "pending"}).content.decode()

    line = f"{sale.merchant.name} changed the order: 100.00 → 70.00, cashback 10.00 → 7.00"
    assert line in activity
    assert line in statement


def test_the_event_admin_shows_its_amendments(client, sale):
    _postback(client, sale, sale_amount="-30.00", commission="-6.00")
    client.force_login(SuperuserFactory())
    event = CashbackEvent.objects.get()

    page = client.get(reverse("admin:wallet_cashbackevent_change", args=[event.pk]))

    assert page.status_code == 200
    text = page.content.decode()
    assert "Amount changes" in text
    assert "Partial chargeback" in text
    assert "-30.00" in text
