"""Review: a report API that answers with JSON we did not expect (nested past Python's
recursion limit, fields of the wrong type, numbers no amount can be) never crashes the
sync: the hourly task returns, a malformed entry is a failed row of its own while the
others still apply, and an answer we cannot read at all stops the window, applying
nothing of it."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from affiliates import outbound
from offers.tests.factories import MerchantFactory, NetworkFactory
from tracking.models import Click
from tracking.services.report_sync import network_reports_sync
from tracking.tasks import sync_network_report
from wallet.models import CashbackEvent, Entry

from .factories import ClickFactory

pytestmark = pytest.mark.django_db

TOKEN = "review-report-token-55aa"
NOW = timezone.now().replace(microsecond=0)
WHEN = (NOW - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%S")


@pytest.fixture
def answer(monkeypatch):
    """The body every report request gets back, as the network wrote it."""
    body = {"text": "[]"}

    def send(method, url, **kwargs):
        return outbound.HttpResult(200, body["text"])

    monkeypatch.setattr(outbound, "send", send)
    return body


def _network(adapter):
    network = NetworkFactory(
        slug=f"{adapter}-review",
        report_adapter=adapter,
        report_account_id="45628",
        api_endpoint="https://reports.example.com",
        api_credentials=TOKEN,
    )
    click = ClickFactory(merchant=MerchantFactory(network=network))
    Click.objects.filter(pk=click.pk).update(created_at=NOW - timedelta(days=30))
    return network, click


def _awin(tx_id, click, **fields):
    return {
        "id": tx_id,
        "commissionStatus": "pending",
        "commissionAmount": {"amount": 5, "currency": "USD"},
        "saleAmount": {"amount": 50, "currency": "USD"},
        "clickRefs": {"clickRef": str(click.click_id)},
        "transactionDate": WHEN,
        "transactionParts": [{"commissionAmount": 5, "commissionGroupCode": "DEFAULT"}],
        **fields,
    }


def _cj(commission_id, click, **fields):
    return {
        "commissionId": str(commission_id),
        "originalActionId": str(commission_id),
        "original": True,
        "shopperId": str(click.click_id),
        "actionStatus": "new",
        "eventDate": WHEN + "Z",
        "saleAmountUsd": "50.00",
        "pubCommissionAmountUsd": "5.00",
        **fields,
    }


def _cj_answer(records):
    page = {"count": 2, "payloadComplete": True, "maxCommissionId": "9", "records": records}
    return json.dumps({"data": {"publisherCommissions": page}})


def _with_number(text: str, placeholder: str, number: str) -> str:
    """JSON numbers json.dumps cannot write (1e999999 is read as a Decimal)."""
    return text.replace(f'"{placeholder}"', number)


MALFORMED_AWIN = {
    "clickRefs-a-list": {"clickRefs": ["x"]},
    "saleAmount-a-number": {"saleAmount": 50},
    "commissionAmount-a-string": {"commissionAmount": "5.00"},
    "part-commission-NaN": {
        "transactionParts": [{"commissionAmount": "NaN"}, {"commissionAmount": 1}]
    },
    "sale-amount-1e999999": {"saleAmount": {"amount": "HUGE", "currency": "USD"}},
}


@pytest.mark.parametrize("fields", MALFORMED_AWIN.values(), ids=MALFORMED_AWIN.keys())
def test_a_malformed_awin_transaction_fails_alone(answer, fields):
    network, click = _network("awin")
    good = _awin(1, click)
    bad = _awin(2, click, **fields)
    answer["text"] = _with_number(json.dumps([bad, good]), "HUGE", "1e999999")

    result = sync_network_report(network.pk)

    assert result["failed"] is None
    assert result["outcomes"] == {"failure": 1, "success": 1}
    assert list(CashbackEvent.objects.values_list("external_txn_id", "commission")) == [
        ("1", Decimal("5.00"))
    ]


MALFORMED_CJ = {
    "sale-1e999999": {"saleAmountUsd": "HUGE"},
    "correction-NaN": {"original": False, "saleAmountUsd": "NaN"},
    "correction-1e999999": {"original": False, "pubCommissionAmountUsd": "HUGE"},
    "commissionId-5000-digits": {"commissionId": "9" * 5000},
}


@pytest.mark.parametrize("fields", MALFORMED_CJ.values(), ids=MALFORMED_CJ.keys())
def test_a_malformed_cj_record_fails_alone(answer, fields):
    network, click = _network("cj")
    records = [_cj(1, click), _cj(2, click, **fields)]
    answer["text"] = _with_number(_cj_answer(records), "HUGE", "-1e999999")

    result = sync_network_report(network.pk)

    assert result["failed"] is None
    assert result["outcomes"] == {"failure": 1, "success": 1}
    assert list(CashbackEvent.objects.values_list("external_txn_id", "commission")) == [
        ("1", Decimal("5.00"))
    ]


UNREADABLE = {
    "awin-nested": ("awin", "[" * 100_000 + "]" * 100_000),
    "cj-nested": ("cj", '{"data": ' * 100_000 + "1" + "}" * 100_000),
    "cj-records-a-number": ("cj", _cj_answer(5)),
    "cj-errors-a-number": ("cj", json.dumps({"data": None, "errors": 5})),
}


@pytest.mark.parametrize("adapter, text", UNREADABLE.values(), ids=UNREADABLE.keys())
def test_an_answer_we_cannot_read_stops_the_window_and_applies_nothing(answer, adapter, text):
    network, _click = _network(adapter)
    answer["text"] = text

    result = sync_network_report(network.pk)

    assert result == {"network": network.slug, "outcomes": {}, "failed": "report_unavailable"}
    assert (CashbackEvent.objects.count(), Entry.objects.count()) == (0, 0)
    network.refresh_from_db()
    assert network.reports_synced_until is None


def test_an_error_message_never_carries_part_of_the_token(answer):
    # The network echoes the token near the end of a long message: cut to 200 characters
    # before the token was taken out, its first half would be left in.
    network, _click = _network("cj")
    message = "x" * (200 - len(TOKEN) // 2) + TOKEN
    answer["text"] = json.dumps({"data": None, "errors": [{"message": message}]})

    report = network_reports_sync(network=network)

    assert report.failed.code == "report_unavailable"
    assert "xxx" in report.failed.detail
    assert TOKEN[: len(TOKEN) // 2] not in report.failed.detail
