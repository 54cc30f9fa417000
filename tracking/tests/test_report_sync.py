import io
import logging
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import StaffFactory
from config.celery import app as celery_app
from offers.models import Network
from offers.tests.factories import MerchantFactory, NetworkFactory
from tracking.models import Click, PostbackLog
from tracking.services import replay
from tracking.services.report_sync.base import RowFailure
from tracking.services.report_sync.cj import action_rows
from tracking.tasks import sync_network_reports
from wallet.models import Account, CashbackAmendment, CashbackEvent, Entry, Transaction

from .factories import ClickFactory
from .report_fakes import awin_time, cj_time, running_api

pytestmark = pytest.mark.django_db

TOKEN = "report-token-7f3a9c1e5b"
NOW = timezone.now().replace(microsecond=0)


def ago(**delta) -> datetime:
    return NOW - timedelta(**delta)


@pytest.fixture
def awin(settings):
    with running_api(settings, TOKEN) as api:
        yield api


cj = awin  # the same fake answers both


def _network(api, adapter: str, account: str) -> Network:
    return NetworkFactory(
        slug=f"{adapter}-net",
        report_adapter=adapter,
        report_account_id=account,
        api_endpoint=api.url,
        api_credentials=TOKEN,
    )


def _clicks(network: Network, count: int) -> list[Click]:
    store = MerchantFactory(network=network)
    clicks = [ClickFactory(merchant=store) for _ in range(count)]
    # Made before the sales the reports carry.
    Click.objects.filter(pk__in=[c.pk for c in clicks]).update(created_at=ago(days=90))
    return clicks


def _awin_transaction(
    tx_id, click, sale, commission, status, *, on, validated=None, group="DEFAULT"
):
    """One transaction as Awin's GET transactions (list) documents it."""
    return {
        "id": tx_id,
        "url": "https://www.publisher.example",
        "advertiserId": 7052,
        "publisherId": 45628,
        "siteName": "SaveBucks",
        "commissionStatus": status,
        "commissionAmount": {"amount": commission, "currency": "USD"},
        "saleAmount": {"amount": sale, "currency": "USD"},
        "clickRefs": {"clickRef": str(click.click_id)} if click else {},
        "clickDate": awin_time(ago(days=60)),
        "transactionDate": awin_time(on),
        "validationDate": awin_time(validated) if validated else None,
        "type": "Commission group transaction",
        "declineReason": None,
        "voucherCodeUsed": False,
        "lapseTime": 3600,
        "amended": False,
        "transactionParts": [
            {
                "commissionGroupId": 1,
                "amount": sale,
                "commissionAmount": commission,
                "commissionGroupCode": group,
                "commissionGroupName": group.title(),
            }
        ],
        "paidToPublisher": False,
    }


def _state():
    """Everything money: events, ledger, balances."""
    return (
        sorted(
            CashbackEvent.objects.values_list(
                "external_txn_id",
                "status",
                "network_status",
                "sale_amount",
                "commission",
                "cashback_amount",
                "currency",
            )
        ),
        Transaction.objects.count(),
        Entry.objects.count(),
        sorted(Account.objects.values_list("id", "balance")),
    )


def _sync(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("sync_network_reports", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


# --- Awin -------------------------------------------------------------------------------


def test_awin_sync_applies_each_sale_once_and_then_its_status_changes(awin, caplog):
    caplog.set_level(logging.DEBUG)
    network = _network(awin, "awin", "45628")
    first, second, third = _clicks(network, 3)
    awin.transactions = [
        _awin_transaction(1001, first, 100.00, 20.00, "pending", on=ago(days=3), group="LAPTOPS"),
        _awin_transaction(
            1002, second, 50, 10.5, "approved", on=ago(days=5), validated=ago(days=1)
        ),
        _awin_transaction(1003, third, 30.00, 3.00, "pending", on=ago(days=2)),
        # A sale that did not come through our click-out: it fails alone.
        _awin_transaction(1004, None, 10.00, 1.00, "pending", on=ago(days=2)),
    ]

    out, err = _sync("awin-net", "--since", (NOW - timedelta(days=10)).date().isoformat())

    assert "awin-net: 1 window(s)" in out and "1 failure, 3 success." in out
    assert "txn 1004: missing_field: Missing click_id." in err
    first_state = _state()
    assert first_state[0] == [
        (
            "1001",
            "pending",
            "pending",
            Decimal("100.00"),
            Decimal("20.00"),
            Decimal("10.00"),
            "USD",
        ),
        ("1002", "pending", "approved", Decimal("50.00"), Decimal("10.50"), Decimal("5.00"), "USD"),
        ("1003", "pending", "pending", Decimal("30.00"), Decimal("3.00"), Decimal("3.00"), "USD"),
    ]
    event = CashbackEvent.objects.get(external_txn_id="1001")
    assert event.category_code == "laptops"
    assert event.sale_at == ago(days=3)
    pending = Account.objects.get(owner=first.user, kind="pending")
    assert pending.balance == Decimal("10.00")
    logs = PostbackLog.objects.filter(method="SYNC")
    assert logs.count() == 4
    assert set(logs.values_list("authenticated", "kind", "network_id")) == {
        (True, "network", network.pk)
    }

    # The same report again: nothing changes, every sale is a duplicate.
    out, _err = _sync("awin-net", "--since", (NOW - timedelta(days=10)).date().isoformat())
    assert "3 duplicate, 1 failure." in out
    assert _state() == first_state

    # The advertiser decides: one approved, one declined.
    awin.transactions[0].update(commissionStatus="approved", validationDate=awin_time(ago(hours=2)))
    awin.transactions[2].update(commissionStatus="declined", validationDate=awin_time(ago(hours=2)))
    _sync("awin-net", "--since", (NOW - timedelta(days=10)).date().isoformat())

    statuses = dict(CashbackEvent.objects.values_list("external_txn_id", "network_status"))
    assert statuses == {"1001": "approved", "1002": "approved", "1003": "rejected"}
    assert CashbackEvent.objects.get(external_txn_id="1003").status == "rejected"
    assert Account.objects.get(owner=third.user, kind="pending").balance == Decimal("0.00")

    # The token went in the Authorization header of every request, and nowhere we keep.
    assert all(r["headers"]["Authorization"] == f"Bearer {TOKEN}" for r in awin.requests)
    assert all(TOKEN not in r["path"] for r in awin.requests)
    for log in PostbackLog.objects.all():
        assert TOKEN not in f"{log.query}{log.body}{log.headers}{log.message}"
    assert all(TOKEN not in record.getMessage() for record in caplog.records)


def test_awin_windows_are_31_days_at_most_and_the_cursor_follows_them(awin):
    network = _network(awin, "awin", "45628")
    (click,) = _clicks(network, 1)
    awin.transactions = [_awin_transaction(7, click, 80.00, 8.00, "pending", on=ago(days=50))]
    since = ago(days=70)

    out, _err = _sync("awin-net", "--since", since.isoformat(), "--until", NOW.isoformat())

    assert "awin-net: 3 window(s)" in out
    # Each window asked by transaction date and by validation date.
    assert awin.windows == [
        (since, since + timedelta(days=31)),
        (since, since + timedelta(days=31)),
        (since + timedelta(days=31), since + timedelta(days=62)),
        (since + timedelta(days=31), since + timedelta(days=62)),
        (since + timedelta(days=62), NOW),
        (since + timedelta(days=62), NOW),
    ]
    assert CashbackEvent.objects.get().cashback_amount == Decimal("8.00")
    network.refresh_from_db()
    assert network.reports_synced_until == NOW


def test_a_failure_part_way_keeps_what_was_applied_and_the_next_run_resumes(awin, settings):
    settings.NETWORK_REPORTS_OVERLAP_HOURS = 0
    network = _network(awin, "awin", "45628")
    early, late = _clicks(network, 2)
    awin.transactions = [
        _awin_transaction(1, early, 100.00, 10.00, "pending", on=ago(days=60)),
        _awin_transaction(2, late, 100.00, 10.00, "pending", on=ago(days=10)),
    ]
    since = ago(days=70)
    awin.fail_from = since + timedelta(days=31)

    with pytest.raises(CommandError, match="network answered HTTP 500"):
        _sync("awin-net", "--since", since.isoformat(), "--until", NOW.isoformat())

    network.refresh_from_db()
    assert network.reports_synced_until == since + timedelta(days=31)
    assert list(CashbackEvent.objects.values_list("external_txn_id", flat=True)) == ["1"]

    awin.fail_from = None
    awin.windows.clear()
    _sync("awin-net", "--until", NOW.isoformat())

    assert awin.windows[0][0] == since + timedelta(days=31)
    assert sorted(CashbackEvent.objects.values_list("external_txn_id", flat=True)) == ["1", "2"]


def test_refused_credentials_stop_the_sync_with_a_message_and_move_nothing(awin, caplog):
    caplog.set_level(logging.DEBUG)
    network = _network(awin, "awin", "45628")
    (click,) = _clicks(network, 1)
    awin.transactions = [_awin_transaction(1, click, 100.00, 10.00, "pending", on=ago(days=1))]
    awin.token = "the-network-rotated-it"

    with pytest.raises(CommandError) as refused:
        _sync("awin-net")

    message = str(refused.value)
    assert message == (
        "awin-net: stopped: Awin transactions: the network refused our credentials (HTTP 401)."
    )
    assert TOKEN not in message
    network.refresh_from_db()
    assert network.reports_synced_until is None
    assert CashbackEvent.objects.count() == 0
    assert PostbackLog.objects.count() == 0
    assert all(TOKEN not in record.getMessage() for record in caplog.records)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"slug": "other"}, "No network 'awin-net'."),
        ({"report_adapter": ""}, "awin-net: awin-net has no report adapter."),
        ({"api_credentials": ""}, "awin-net: awin-net has no API credentials."),
        ({"report_account_id": ""}, "awin-net: awin-net has no report account id."),
    ],
)
def test_a_network_that_cannot_be_synced_is_refused_without_a_request(awin, changes, message):
    network = _network(awin, "awin", "45628")
    Network.objects.filter(pk=network.pk).update(**changes)

    with pytest.raises(CommandError) as refused:
        _sync("awin-net")

    assert str(refused.value) == message
    assert awin.requests == []


def test_private_report_endpoints_are_refused_unless_allowed(awin, settings):
    _network(awin, "awin", "45628")
    settings.NETWORK_REPORTS_ALLOW_PRIVATE = False

    with pytest.raises(CommandError, match=r"127\.0\.0\.1, which is not a public address"):
        _sync("awin-net")

    assert awin.requests == []


# --- CJ ---------------------------------------------------------------------------------


def _cj_record(commission_id, action_id, click, sale, commission, status, *, posted, **extra):
    """One publisherCommissions record with the fields we ask for, as CJ answers them
    (DecimalNumber rendered as a string)."""
    return {
        "commissionId": str(commission_id),
        "originalActionId": str(action_id),
        "original": True,
        "orderId": f"ORDER-{action_id}",
        "shopperId": str(click.click_id),
        "actionStatus": status,
        "correctionReason": None,
        "eventDate": cj_time(posted - timedelta(hours=1)),
        "postingDate": cj_time(posted),
        "saleAmountUsd": sale,
        "pubCommissionAmountUsd": commission,
        **extra,
    }


def _cj_correction(commission_id, action_id, click, sale, commission, *, posted, **extra):
    """A correction record: CJ's new record of the amounts an action changes by."""
    return _cj_record(
        commission_id,
        action_id,
        click,
        sale,
        commission,
        "new",
        posted=posted,
        original=False,
        correctionReason="RETURNED_MERCHANDISE",
        **extra,
    )


def _audit_is_clean() -> None:
    out = io.StringIO()
    call_command("wallet_audit", stdout=out)
    assert "every invariant holds" in out.getvalue()


def _chargebacks() -> list[tuple]:
    return list(
        CashbackAmendment.objects.values_list(
            "event__external_txn_id",
            "kind",
            "reported_sale_amount",
            "reported_commission",
            "sale_amount_after",
            "commission_after",
            "cashback_after",
        )
    )


def test_cj_sync_pages_through_records_and_passes_each_correction_on_as_a_change(cj):
    network = _network(cj, "cj", "5123456")
    first, second, returned = _clicks(network, 3)
    cj.records = [
        _cj_record(11, 11, first, "100.00", "20.000", "new", posted=ago(days=5)),
        _cj_record(12, 12, second, "50.00", "10.00", "locked", posted=ago(days=4)),
        _cj_record(13, 13, returned, "80.00", "8.00", "new", posted=ago(days=3)),
        # The third order came back: CJ adds a correction record for it.
        _cj_correction(14, 13, returned, "-80.00", "-8.00", posted=ago(days=1)),
    ]
    since = (NOW - timedelta(days=10)).date().isoformat()

    out, err = _sync("cj-net", "--since", since)

    # One row per record: the correction is a change of its own.
    assert "4 success." in out and err == ""
    # Two records a page: two pages, one window.
    assert len(cj.requests) == 2 and len(cj.windows) == 1
    first_state = _state()
    assert first_state[0] == [
        ("11", "pending", "pending", Decimal("100.00"), Decimal("20.00"), Decimal("10.00"), "USD"),
        ("12", "pending", "approved", Decimal("50.00"), Decimal("10.00"), Decimal("5.00"), "USD"),
        # Returned in full: the sale goes to zero and stays what CJ says (new: pending).
        ("13", "pending", "pending", Decimal("0.00"), Decimal("0.00"), Decimal("0.00"), "USD"),
    ]
    assert _chargebacks() == [
        (
            "13",
            "chargeback",
            Decimal("-80.00"),
            Decimal("-8.00"),
            Decimal("0.00"),
            Decimal("0.00"),
            Decimal("0.00"),
        )
    ]
    # Credited 8.00 pending, then taken back: nothing left pending for the shopper.
    assert Account.objects.get(owner=returned.user, kind="pending").balance == Decimal("0.00")

    out, _err = _sync("cj-net", "--since", since)
    assert "4 duplicate." in out
    assert _state() == first_state
    assert set(PostbackLog.objects.values_list("method", flat=True)) == {"SYNC"}

    cj.records[0]["actionStatus"] = "locked"
    _sync("cj-net", "--since", since)

    assert CashbackEvent.objects.get(external_txn_id="11").network_status == "approved"
    assert all(r["headers"]["Authorization"] == f"Bearer {TOKEN}" for r in cj.requests)
    _audit_is_clean()


def test_rows_that_fail_are_counted_and_the_others_still_apply(cj, monkeypatch):
    network = _network(cj, "cj", "5123456")
    known, flaky, stranger = _clicks(network, 3)
    stranger.delete()  # a shopper id that is not one of our clicks
    cj.records = [
        _cj_record(21, 21, stranger, "40.00", "4.00", "new", posted=ago(days=3)),
        _cj_record(22, 22, flaky, "50.00", "5.00", "new", posted=ago(days=2)),
        _cj_record(23, 23, known, "60.00", "6.00", "new", posted=ago(days=1)),
    ]
    real_process = replay.network_postback_process

    def database_fails_on_22(*, network, raw, log, **kwargs):
        if raw["txn_id"] == "22":
            raise OperationalError("the database went away")
        return real_process(network=network, raw=raw, log=log, **kwargs)

    monkeypatch.setattr(replay, "network_postback_process", database_fails_on_22)

    out, err = _sync("cj-net")

    assert "2 failure, 1 success." in out
    assert err.splitlines() == [
        f"cj-net: txn 21: unknown_click: No click {stranger.click_id}.",
        "cj-net: txn 22: database_unavailable: Try again shortly.",
    ]
    assert list(CashbackEvent.objects.values_list("external_txn_id", "cashback_amount")) == [
        ("23", Decimal("6.00"))
    ]
    assert PostbackLog.objects.filter(method="SYNC", outcome="failure").count() == 2
    network.refresh_from_db()
    assert network.reports_synced_until is not None

    # Once the database is back, the row applies (rows are idempotent).
    monkeypatch.setattr(replay, "network_postback_process", real_process)
    out, _err = _sync("cj-net")
    assert "1 duplicate, 1 failure, 1 success." in out


def test_cj_records_are_rows_of_their_own_in_commission_id_order():
    click_id = "7d1a5f38-0d5c-4f0e-9c57-2b1c4c0b8f11"
    sale = {
        "commissionId": "30",
        "originalActionId": "21",
        "original": True,
        "shopperId": click_id,
        "actionStatus": "locked",
        "correctionReason": None,
        "eventDate": "2026-11-01T10:00:00Z",
        "saleAmountUsd": "100.00",
        "pubCommissionAmountUsd": "20.00",
    }
    correction = {
        **sale,
        "original": False,
        "actionStatus": "new",
        "correctionReason": "RETURNED_MERCHANDISE",
        "eventDate": "2026-11-02T10:00:00Z",
    }
    # Returned out of order; the later correction carries no shopperId.
    records = [
        {
            **correction,
            "commissionId": "32",
            "shopperId": None,
            "saleAmountUsd": "-10.00",
            "pubCommissionAmountUsd": None,
        },
        sale,
        {
            **correction,
            "commissionId": "31",
            "saleAmountUsd": "-20.00",
            "pubCommissionAmountUsd": "-2.005",
        },
    ]
    change = {"click_id": click_id, "txn_id": "21", "currency": "USD", "status": "pending"}

    assert action_rows(records) == [
        {
            **change,
            "sale_amount": "100.00",
            "commission": "20.00",
            "status": "approved",
            "sale_date": "2026-11-01T10:00:00+00:00",
        },
        {
            **change,
            "sale_amount": "-20.00",
            "commission": "-2.01",
            "sale_date": "2026-11-02T10:00:00+00:00",
            "adjustment_id": "31",
        },
        # The click is the original's; a commission left out did not change.
        {
            **change,
            "sale_amount": "-10.00",
            "commission": "0.00",
            "sale_date": "2026-11-02T10:00:00+00:00",
            "adjustment_id": "32",
        },
    ]
    # A correction alone is still the change, not a sale of its own.
    assert action_rows(records[2:]) == action_rows(records)[1:2]
    # Alone and without a shopperId, it cannot be worked out: a failed row saying why.
    assert action_rows(records[:1]) == [
        RowFailure(
            "21",
            "correction_without_click",
            "CJ correction 32 of action 21 (sale -10.00, commission 0.00 USD) has no "
            "shopperId and its sale is not in this window, so its cashback cannot be worked "
            "out: sync again over a range holding the sale (--since), or take it back by hand.",
        )
    ]
    # One that changes no amount (to the cent) changes nothing: never a new total of zero.
    assert action_rows([{**correction, "saleAmountUsd": "0", "pubCommissionAmountUsd": "0"}]) == []
    assert (
        action_rows([{**correction, "saleAmountUsd": None, "pubCommissionAmountUsd": "-0.004"}])
        == []
    )


def test_a_correction_read_again_without_its_sale_is_the_same_chargeback(cj):
    """The overlap: the next run re-reads the last days, which may hold a correction but
    no longer its sale. It must be the change applied before, not a new one."""
    network = _network(cj, "cj", "5123456")
    (click,) = _clicks(network, 1)
    cj.records = [
        _cj_record(41, 41, click, "100.00", "20.00", "new", posted=ago(days=10)),
        _cj_correction(42, 41, click, "-40.00", "-8.00", posted=ago(days=2)),
    ]

    out, err = _sync("cj-net", "--since", ago(days=12).isoformat())

    assert "2 success." in out and err == ""
    state = _state()
    assert state[0] == [
        ("41", "pending", "pending", Decimal("60.00"), Decimal("12.00"), Decimal("6.00"), "USD")
    ]
    chargeback = (
        "41",
        "chargeback",
        Decimal("-40.00"),
        Decimal("-8.00"),
        Decimal("60.00"),
        Decimal("12.00"),
        Decimal("6.00"),
    )
    assert _chargebacks() == [chargeback]

    # The next run's window starts after the sale: only the correction is in it.
    out, err = _sync("cj-net", "--since", ago(days=5).isoformat())

    assert cj.windows[-1][0] == ago(days=5)
    assert "1 duplicate." in out and err == ""
    assert _state() == state
    assert _chargebacks() == [chargeback]
    _audit_is_clean()


def test_reading_the_same_cj_range_again_changes_nothing(cj):
    network = _network(cj, "cj", "5123456")
    (click,) = _clicks(network, 1)
    cj.records = [
        _cj_record(51, 51, click, "100.00", "20.00", "new", posted=ago(days=6)),
        _cj_correction(52, 51, click, "-40.00", "-8.00", posted=ago(days=4)),
        _cj_correction(53, 51, click, "-10.00", "-2.00", posted=ago(days=3)),
    ]
    since = ago(days=8).isoformat()

    out, _err = _sync("cj-net", "--since", since)

    assert "3 success." in out
    state = _state()
    assert state[0] == [
        ("51", "pending", "pending", Decimal("50.00"), Decimal("10.00"), Decimal("5.00"), "USD")
    ]
    amendments = _chargebacks()
    assert [row[2:] for row in amendments] == [
        (Decimal("-40.00"), Decimal("-8.00"), Decimal("60.00"), Decimal("12.00"), Decimal("6.00")),
        (Decimal("-10.00"), Decimal("-2.00"), Decimal("50.00"), Decimal("10.00"), Decimal("5.00")),
    ]

    for _run in range(2):
        out, err = _sync("cj-net", "--since", since)
        assert "3 duplicate." in out and err == ""
        assert _state() == state
        assert _chargebacks() == amendments
    _audit_is_clean()


def test_cj_corrections_we_cannot_apply_are_failed_rows_that_change_nothing(cj):
    network = _network(cj, "cj", "5123456")
    raised, returned = _clicks(network, 2)
    cj.records = [
        _cj_record(61, 61, raised, "100.00", "20.00", "new", posted=ago(days=10)),
        _cj_record(62, 62, returned, "80.00", "8.00", "new", posted=ago(days=10)),
    ]
    _sync("cj-net", "--since", ago(days=12).isoformat())
    state = _state()
    logged = PostbackLog.objects.count()
    cj.records += [
        # The advertiser raised the first sale: not a change our rules can take from it.
        _cj_correction(63, 61, raised, "10.00", "2.00", posted=ago(days=2)),
        # The second came back, but this correction names no shopper and its sale is
        # outside the window read.
        _cj_correction(64, 62, returned, "-80.00", "-8.00", posted=ago(days=2), shopperId=None),
    ]

    out, err = _sync("cj-net", "--since", ago(days=5).isoformat())

    raise_message = (
        "CJ correction 63 of action 61 raises it (sale 10.00, commission 2.00 USD). A report "
        "changes a sale by new totals or by negative amounts (a chargeback); a raise is "
        "neither, so it is not applied: adjust the shopper's cashback by hand if it stands."
    )
    assert "2 failure." in out
    assert err.splitlines() == [
        f"cj-net: txn 61: correction_raises_amount: {raise_message}",
        "cj-net: txn 62: correction_without_click: CJ correction 64 of action 62 (sale "
        "-80.00, commission -8.00 USD) has no shopperId and its sale is not in this window, "
        "so its cashback cannot be worked out: sync again over a range holding the sale "
        "(--since), or take it back by hand.",
    ]
    assert _state() == state
    assert _chargebacks() == []
    assert PostbackLog.objects.count() == logged

    # As the message says: a range holding the sale gives the correction its click.
    out, err = _sync("cj-net", "--since", ago(days=12).isoformat())

    assert "2 duplicate, 1 failure, 1 success." in out
    assert err.splitlines() == [f"cj-net: txn 61: correction_raises_amount: {raise_message}"]
    assert _state()[0] == [
        ("61", "pending", "pending", Decimal("100.00"), Decimal("20.00"), Decimal("10.00"), "USD"),
        ("62", "pending", "pending", Decimal("0.00"), Decimal("0.00"), Decimal("0.00"), "USD"),
    ]
    assert [row[:4] for row in _chargebacks()] == [
        ("62", "chargeback", Decimal("-80.00"), Decimal("-8.00"))
    ]
    _audit_is_clean()


# --- the hourly task ----------------------------------------------------------------------


def test_the_beat_task_syncs_every_active_network_with_an_adapter(awin):
    schedule = django_settings.CELERY_BEAT_SCHEDULE["sync-network-reports"]
    assert schedule == {"task": "tracking.tasks.sync_network_reports", "schedule": 3600.0}
    assert schedule["task"] in celery_app.tasks
    network = _network(awin, "awin", "45628")
    (click,) = _clicks(network, 1)
    awin.transactions = [_awin_transaction(5, click, 100.00, 10.00, "pending", on=ago(days=2))]
    NetworkFactory(report_adapter="")  # postbacks only
    NetworkFactory(
        report_adapter="cj", status="inactive", api_credentials="x", api_endpoint=awin.url
    )

    assert sync_network_reports.delay().get() == 1

    assert list(CashbackEvent.objects.values_list("external_txn_id", flat=True)) == ["5"]
    assert {r["method"] for r in awin.requests} == {"GET"}
    network.refresh_from_db()
    assert network.reports_synced_until is not None


# --- the network admin ----------------------------------------------------------------------


def test_an_administrator_configures_report_sync_in_the_network_admin(client):
    admin = StaffFactory()
    admin.groups.add(Group.objects.get(name="Administrator"))
    client.force_login(admin)
    network = NetworkFactory(reports_synced_until=ago(days=2))
    url = reverse("admin:offers_network_change", args=[network.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if k in form.fields and v is not None}
    data.update(
        param_aliases="{}",
        status_map="{}",
        logo="",
        report_adapter="cj",
        report_account_id="5123456",
        api_endpoint="https://commissions.api.cj.com",
        api_credentials=TOKEN,
    )

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    network.refresh_from_db()
    assert (network.report_adapter, network.report_account_id, network.api_credentials) == (
        "cj",
        "5123456",
        TOKEN,
    )
    page = client.get(url).content.decode()
    assert 'name="report_adapter"' in page and 'name="report_account_id"' in page
    assert 'name="reports_synced_until"' not in page  # shown, not editable
    assert "Reports synced until" in page
    assert TOKEN not in page


def test_a_sync_already_running_for_a_network_is_not_started_twice(awin):
    network = _network(awin, "awin", "12345")
    cache.add(f"report-sync:{network.pk}", 1, timeout=60)  # another worker's run

    with pytest.raises(CommandError, match=r"A sync of awin-net is running already\."):
        _sync("awin-net")

    assert awin.requests == []
    network.refresh_from_db()
    assert network.reports_synced_until is None
    cache.delete(f"report-sync:{network.pk}")
    _sync("awin-net")  # once it ends, the next run goes ahead
    assert awin.requests
