"""The HTTP supplier adapter's edges: every answer outside the contract is a
SupplierError whose message names the call, never a code from the body."""

from datetime import date
from decimal import Decimal

import pytest
import requests

from store.suppliers import http
from store.suppliers.base import SupplierCode, SupplierError
from store.suppliers.http import HttpSupplier

CODE = "SECRETCODE-9Z8Y-7X6W"


class _Response:
    def __init__(self, status, body=None, text=None):
        self.status_code, self._body, self._text = status, body, text

    def json(self):
        if self._text is not None:
            raise ValueError(f"Expecting value: {self._text}")
        return self._body


def _answer(monkeypatch, response=None, raises=None):
    seen = []

    def fake_request(method, url, **kwargs):
        seen.append((method, url, kwargs))
        if raises:
            raise raises
        return response

    monkeypatch.setattr(http.requests, "request", fake_request)
    return seen


def _supplier():
    return HttpSupplier(base_url="https://supplier.test/api/", key="k-123", timeout=7)


def test_the_codes_of_a_fulfilled_order_are_read_with_the_bearer_key(monkeypatch):
    seen = _answer(
        monkeypatch,
        _Response(
            200,
            {
                "status": "fulfilled",
                "codes": [{"code": f" {CODE} ", "pin": 4321, "expires_on": "2031-01-31"}],
            },
        ),
    )
    assert _supplier().codes("SUP 1") == [
        SupplierCode(code=CODE, pin="4321", expires_on=date(2031, 1, 31))
    ]
    method, url, kwargs = seen[0]
    assert (method, url) == ("GET", "https://supplier.test/api/orders/SUP%201")
    assert kwargs["headers"]["Authorization"] == "Bearer k-123"
    assert kwargs["timeout"] == 7


@pytest.mark.parametrize(
    ("response", "message"),
    [
        (_Response(200, {"status": "failed"}), "supplier says 'failed': order O1"),
        (_Response(503, {"codes": [{"code": CODE}]}), "supplier answered HTTP 503: order O1"),
        (_Response(200, text=CODE), "supplier answered something other than JSON: order O1"),
        (_Response(200, [CODE]), "supplier answered an unexpected shape: order O1"),
        (_Response(200, {"status": "fulfilled"}), "supplier sent no code list: order O1"),
        (
            _Response(200, {"status": "fulfilled", "codes": [{"code": CODE, "expires_on": "x"}]}),
            "supplier sent a malformed expiry: order O1",
        ),
        (
            _Response(200, {"status": "fulfilled", "codes": [{"pin": CODE}]}),
            "supplier sent a malformed code row: order O1",
        ),
    ],
)
def test_answers_outside_the_contract_are_errors_that_name_no_code(monkeypatch, response, message):
    _answer(monkeypatch, response)
    with pytest.raises(SupplierError) as error:
        _supplier().codes("O1")
    assert str(error.value) == message
    assert error.value.__cause__ is None or CODE not in str(error.value.__cause__)


def test_pending_is_not_ready_and_a_place_without_an_id_is_an_error(monkeypatch):
    _answer(monkeypatch, _Response(200, {"status": "processing"}))
    assert _supplier().codes("O1") is None
    _answer(monkeypatch, _Response(201, {"status": "pending"}))
    with pytest.raises(SupplierError, match="supplier gave no order id: place SB-OI9"):
        _supplier().place(reference="SB-OI9", product_id="p", denomination=Decimal("5"), quantity=1)


def test_network_failures_and_a_missing_url_are_errors(monkeypatch, settings):
    _answer(monkeypatch, raises=requests.ConnectionError("refused"))
    with pytest.raises(SupplierError, match=r"supplier unreachable \(ConnectionError\): order O1"):
        _supplier().codes("O1")
    _answer(monkeypatch, raises=requests.ReadTimeout("slow"))
    with pytest.raises(SupplierError, match="supplier timed out: place SB-OI9"):
        _supplier().place(reference="SB-OI9", product_id="p", denomination=Decimal("5"), quantity=1)
    settings.STORE_SUPPLIER_URL = ""
    with pytest.raises(SupplierError, match="no supplier is configured"):
        HttpSupplier()


def test_a_supplier_code_never_prints_itself():
    code = SupplierCode(code=CODE, pin="9876")
    assert CODE not in repr(code) and CODE not in str(code) and "9876" not in repr(code)
    assert repr(code) == "SupplierCode(••••7X6W)"
