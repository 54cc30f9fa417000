"""Postbacks racing each other on real PostgreSQL, with real threads."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from config.testing import race
from offers.tests.factories import NETWORK_TOKEN
from tracking.models import PostbackLog
from wallet.models import Account, CashbackEvent, Transaction
from wallet.services.audit import wallet_audit

from .factories import ClickFactory

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _params(click, **extra):
    return {
        "token": NETWORK_TOKEN,
        "click_id": str(click.click_id),
        "txn_id": "T1",
        "sale_amount": "100.00",
        "commission": "8.00",
        **extra,
    }


def test_fifty_threads_posting_one_sale_make_one_event_and_one_ledger_transaction():
    click = ClickFactory()
    url = reverse("tracking:network-postback", args=[click.merchant.network.slug])

    responses = race(50, lambda i: Client().get(url, _params(click)))

    assert [r.status_code for r in responses] == [200] * 50
    duplicates = sorted(r.json()["duplicate"] for r in responses)
    assert duplicates == [False] + [True] * 49
    assert CashbackEvent.objects.count() == 1
    assert Transaction.objects.count() == 1
    assert Account.objects.get(owner=click.user, kind="pending").balance == Decimal("8.00")
    outcomes = sorted(PostbackLog.objects.values_list("outcome", flat=True))
    assert outcomes == ["duplicate"] * 49 + ["success"]
    assert wallet_audit() == []


def test_contradicting_updates_race_and_the_rejection_wins_either_way():
    """Approved and rejected racing: a rejection first rejects the sale (the approvals
    after it are refused); an approval first is reversed by the rejection after it (a
    rejection after approval is a reversal). Either way the credit is withdrawn once."""
    click = ClickFactory()
    url = reverse("tracking:network-postback", args=[click.merchant.network.slug])
    Client().get(url, _params(click))

    responses = race(
        20, lambda i: Client().get(url, _params(click, status="approved" if i % 2 else "rejected"))
    )

    event = CashbackEvent.objects.get()
    rejections = [r for i, r in enumerate(responses) if not i % 2]
    approvals = [r for i, r in enumerate(responses) if i % 2]
    assert [r.status_code for r in rejections] == [200] * 10
    assert sorted(r.json()["duplicate"] for r in rejections) == [False] + [True] * 9
    approved = [r for r in approvals if r.status_code == 200]
    assert {r.status_code for r in approvals} <= {200, 409}
    assert {r.json()["code"] for r in approvals if r.status_code == 409} <= {"invalid_transition"}
    assert sorted(r.json()["duplicate"] for r in approved) == (
        [False] + [True] * (len(approved) - 1) if approved else []
    )
    # Approved before the rejection: reversed; else rejected. The network's word stays.
    assert (event.status, event.network_status) == (
        "reversed" if approved else "rejected",
        "rejected",
    )
    kinds = list(Transaction.objects.order_by("id").values_list("kind", flat=True))
    assert kinds == ["cashback.pending", "cashback.reverse" if approved else "cashback.reject"]
    assert Account.objects.get(owner=click.user, kind="pending").balance == Decimal("0.00")
    assert wallet_audit() == []


def test_a_database_error_is_a_503_with_nothing_half_written_and_the_retry_succeeds():
    click = ClickFactory()
    url = reverse("tracking:network-postback", args=[click.merchant.network.slug])
    Client().get(url, _params(click, txn_id="warm-up"))  # the shopper's accounts now exist
    before = (CashbackEvent.objects.count(), Transaction.objects.count())
    holding, release = threading.Event(), threading.Event()

    def hold_the_pending_account():
        with transaction.atomic():
            list(Account.objects.select_for_update().filter(owner=click.user, kind="pending"))
            holding.set()
            release.wait(timeout=30)
        connection.close()

    holder = threading.Thread(target=hold_the_pending_account)
    holder.start()
    assert holding.wait(timeout=10)
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '300ms'")
    try:
        refused = Client().get(url, _params(click, txn_id="T-503"))
    finally:
        release.set()
        holder.join()
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")

    assert refused.status_code == 503
    assert refused.json() == {
        "status": "error",
        "code": "database_unavailable",
        "detail": "Try again shortly.",
    }
    assert (CashbackEvent.objects.count(), Transaction.objects.count()) == before
    failed = PostbackLog.objects.get(txn_id="T-503")
    assert (failed.outcome, failed.http_status, failed.event) == ("failure", 503, None)

    retried = Client().get(url, _params(click, txn_id="T-503"))

    assert (retried.status_code, retried.json()["duplicate"]) == (200, False)
    assert CashbackEvent.objects.filter(external_txn_id="T-503").count() == 1
    assert wallet_audit() == []
