"""Amount changes racing the confirmation job and each other, on real PostgreSQL with real
threads: the job never credits a stale amount, and one change sent twice applies once."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from config.testing import race
from offers.tests.factories import NETWORK_TOKEN, MerchantFactory
from wallet.models import Account, CashbackAmendment, CashbackEvent, Transaction
from wallet.services.audit import wallet_audit
from wallet.services.cashback import AmountReport, cashback_network_update
from wallet.services.confirmation import cashback_confirm_due

from .factories import ClickFactory

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

D = Decimal
LATER = timedelta(days=31)  # past every event's lock period: all of them are due


def _params(click, txn="T1", **extra):
    return {
        "token": NETWORK_TOKEN,
        "click_id": str(click.click_id),
        "txn_id": txn,
        "sale_amount": "100.00",
        "commission": "20.00",
        **extra,
    }


def _url(click):
    return f"/postback/{click.merchant.network.slug}/"


def _balance(user, kind):
    return Account.objects.get(owner=user, kind=kind).balance


def test_changes_racing_the_confirmation_job_never_credit_a_stale_amount():
    """Twenty sales at 10.00 cashback, each changed to 50.00 (5.00 cashback) while the job
    confirms them in small batches: whichever came first, every shopper ends with exactly
    5.00 available and nothing pending."""
    merchant = MerchantFactory()
    clicks = [ClickFactory(merchant=merchant) for _ in range(20)]
    for click in clicks:
        assert Client().get(_url(click), _params(click, txn=str(click.pk))).status_code == 200

    def act(i):
        if i == 0:
            return cashback_confirm_due(now=timezone.now() + LATER, batch_size=2)
        click = clicks[i - 1]
        return Client().get(
            _url(click), _params(click, txn=str(click.pk), sale_amount="50.00", commission="10.00")
        )

    results = race(21, act)

    assert [r.status_code for r in results[1:]] == [200] * 20
    cashback_confirm_due(now=timezone.now() + LATER)  # the ones the racing job skipped
    assert set(CashbackEvent.objects.values_list("status", "cashback_amount")) == {
        ("confirmed", D("5.00"))
    }
    for click in clicks:
        assert (_balance(click.user, "pending"), _balance(click.user, "available")) == (
            D("0.00"),
            D("5.00"),
        )
    assert CashbackAmendment.objects.count() == 20
    assert _balance(None, "network_receivable") == D("200.00")
    assert wallet_audit() == []


def test_the_job_skips_an_event_being_changed_and_confirms_the_new_amount_next_run():
    click = ClickFactory()
    Client().get(_url(click), _params(click))
    event = CashbackEvent.objects.get()
    changing, commit = threading.Event(), threading.Event()

    def change_and_hold_the_lock():
        with transaction.atomic():
            cashback_network_update(
                event=event,
                network_status="pending",
                report=AmountReport(D("30.00"), D("6.00"), lambda sale, _: sale / 10),
            )
            changing.set()
            commit.wait(timeout=30)
        connection.close()

    changer = threading.Thread(target=change_and_hold_the_lock)
    changer.start()
    assert changing.wait(timeout=10)
    try:
        skipped = cashback_confirm_due(now=timezone.now() + LATER)
    finally:
        commit.set()
        changer.join()

    assert skipped.confirmed == 0
    confirmed = cashback_confirm_due(now=timezone.now() + LATER)
    assert (confirmed.confirmed, confirmed.amount) == (1, D("3.00"))
    assert (_balance(click.user, "pending"), _balance(click.user, "available")) == (
        D("0.00"),
        D("3.00"),
    )
    assert wallet_audit() == []


@pytest.mark.parametrize(
    ("sale_amount", "commission", "cashback"),
    [("60.00", "12.00", "6.00"), ("-40.00", "-8.00", "6.00")],
    ids=["new-totals", "chargeback"],
)
def test_one_change_sent_ten_times_at_once_applies_once(sale_amount, commission, cashback):
    click = ClickFactory()
    Client().get(_url(click), _params(click))

    responses = race(
        10,
        lambda i: Client().get(
            _url(click), _params(click, sale_amount=sale_amount, commission=commission)
        ),
    )

    assert [r.status_code for r in responses] == [200] * 10
    assert sorted(r.json()["duplicate"] for r in responses) == [False] + [True] * 9
    assert CashbackAmendment.objects.count() == 1
    assert Transaction.objects.filter(kind="cashback.amend").count() == 1
    assert CashbackEvent.objects.get().cashback_amount == D(cashback)
    assert _balance(click.user, "pending") == D(cashback)
    assert wallet_audit() == []
