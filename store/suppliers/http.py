"""The generic HTTP supplier: JSON over HTTPS to STORE_SUPPLIER_URL with
`Authorization: Bearer STORE_SUPPLIER_KEY` (the contract is in README "Fulfilment,
suppliers and refunds").

    POST {url}/orders        {"reference", "product", "denomination", "quantity"}
                             → 200/201 {"id", "status"}   (same reference → same id)
    GET  {url}/orders/{id}   → 200 {"status": "pending" | "fulfilled" | "failed",
                                     "codes": [{"code", "pin", "expires_on"}]}

Error messages carry the HTTP status and our reference only: a response body may hold
codes, so none of it is ever put in an exception or a log line.
"""

from datetime import date
from decimal import Decimal

import requests
from django.conf import settings

from .base import Supplier, SupplierCode, SupplierError

READY = "fulfilled"
WAITING = frozenset({"pending", "processing"})


class HttpSupplier(Supplier):
    name = "http"

    def __init__(self, *, base_url: str | None = None, key: str | None = None, timeout=None):
        self.base_url = (base_url if base_url is not None else settings.STORE_SUPPLIER_URL).rstrip(
            "/"
        )
        self.key = key if key is not None else settings.STORE_SUPPLIER_KEY
        self.timeout = timeout if timeout is not None else settings.STORE_SUPPLIER_TIMEOUT
        if not self.base_url:
            raise SupplierError("no supplier is configured (STORE_SUPPLIER_URL)")

    def _call(self, method: str, path: str, what: str, payload: dict | None = None) -> dict:
        try:
            response = requests.request(
                method,
                f"{self.base_url}{path}",
                json=payload,
                headers={"Authorization": f"Bearer {self.key}", "Accept": "application/json"},
                timeout=self.timeout,
            )
        except requests.Timeout as exc:
            raise SupplierError(f"supplier timed out: {what}") from exc
        except requests.RequestException as exc:
            raise SupplierError(f"supplier unreachable ({type(exc).__name__}): {what}") from exc
        if response.status_code >= 400:
            raise SupplierError(f"supplier answered HTTP {response.status_code}: {what}")
        try:
            body = response.json()
        except ValueError:
            raise SupplierError(f"supplier answered something other than JSON: {what}") from None
        if not isinstance(body, dict):
            raise SupplierError(f"supplier answered an unexpected shape: {what}")
        return body

    def place(
        self, *, reference: str, product_id: str, denomination: Decimal, quantity: int
    ) -> str:
        body = self._call(
            "POST",
            "/orders",
            f"place {reference}",
            {
                "reference": reference,
                "product": product_id,
                "denomination": str(denomination),
                "quantity": quantity,
            },
        )
        order_id = body.get("id")
        if not order_id or not isinstance(order_id, str | int):
            raise SupplierError(f"supplier gave no order id: place {reference}")
        return str(order_id)

    def codes(self, supplier_order_id: str) -> list[SupplierCode] | None:
        what = f"order {supplier_order_id}"
        body = self._call("GET", f"/orders/{requests.utils.quote(supplier_order_id)}", what)
        status = body.get("status")
        if status in WAITING:
            return None
        if status != READY:
            raise SupplierError(f"supplier says {str(status)[:20]!r}: {what}")
        rows = body.get("codes")
        if not isinstance(rows, list):
            raise SupplierError(f"supplier sent no code list: {what}")
        return [_code(row, what) for row in rows]


def _code(row, what: str) -> SupplierCode:
    if not isinstance(row, dict) or not isinstance(row.get("code"), str) or not row["code"]:
        raise SupplierError(f"supplier sent a malformed code row: {what}")
    expires_on = None
    if row.get("expires_on"):
        try:
            expires_on = date.fromisoformat(str(row["expires_on"]))
        except ValueError:
            raise SupplierError(f"supplier sent a malformed expiry: {what}") from None
    return SupplierCode(
        code=row["code"].strip(), pin=str(row.get("pin") or ""), expires_on=expires_on
    )
