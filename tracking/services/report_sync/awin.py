"""Awin's Publisher API: the transactions list.

GET {base}/publishers/{publisherId}/transactions/?startDate=…&endDate=…&timezone=UTC
&dateType=… with `Authorization: Bearer <token>`; dates written yyyy-MM-ddThh:mm:ss, at
most 31 days apart. The answer is a JSON list of transactions as they stand now (Awin
updates a transaction in place), so each one is a complete report of its sale.

Each window is asked twice: by transaction date (new sales) and by validation date (the
advertiser's decision on older sales, which would otherwise never come back into a window
already passed). A transaction found by both is applied once.

Fields used: id → txn_id; clickRefs.clickRef (where our click-out puts {click_id}) →
click_id; saleAmount / commissionAmount {amount, currency}; commissionStatus pending /
approved / declined / deleted (the last two → rejected); transactionDate → sale_date;
transactionParts[].commissionGroupCode → category (the part earning the most commission,
when a basket spans several groups).
"""

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from urllib.parse import quote, urlencode

from offers.models import Network

from .base import MALFORMED, ReportSyncFailed, Row, RowFailure, credentials, endpoint, malformed
from .http import request_json
from .values import amount, compact, utc_time

STATUSES = {
    "pending": "pending",
    "approved": "approved",
    "declined": "rejected",
    "deleted": "rejected",
}
DATE_TYPES = ("transaction", "validation")


def _awin_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def _commission(part: dict) -> Decimal:
    try:
        return Decimal(str(part.get("commissionAmount") or 0))
    except InvalidOperation:
        return Decimal(0)


def _category(parts) -> str:
    parts = [part for part in parts or [] if isinstance(part, dict)]
    if not parts:
        return ""
    return str(max(parts, key=_commission).get("commissionGroupCode") or "")


def transaction_row(transaction: dict) -> Row:
    click_refs = transaction.get("clickRefs") or {}
    commission = transaction.get("commissionAmount") or {}
    sale = transaction.get("saleAmount") or {}
    status = str(transaction.get("commissionStatus") or "").lower()
    return compact(
        {
            "click_id": str(click_refs.get("clickRef") or ""),
            "txn_id": str(transaction.get("id") or ""),
            "sale_amount": amount(sale.get("amount")),
            "commission": amount(commission.get("amount")),
            "currency": str(commission.get("currency") or sale.get("currency") or ""),
            "status": STATUSES.get(status, status),
            "sale_date": utc_time(transaction.get("transactionDate")),
            "category": _category(transaction.get("transactionParts")),
        }
    )


class AwinAdapter:
    default_endpoint = "https://api.awin.com"

    def fetch(self, network: Network, since: datetime, until: datetime) -> list[Row | RowFailure]:
        publisher, token = credentials(network)
        base = endpoint(network, self)
        found: dict[str, dict] = {}
        for date_type in DATE_TYPES:
            query = urlencode(
                {
                    "startDate": _awin_time(since),
                    "endDate": _awin_time(until),
                    "timezone": "UTC",
                    "dateType": date_type,
                }
            )
            url = f"{base}/publishers/{quote(publisher, safe='')}/transactions/?{query}"
            answer = request_json("GET", url, token=token, what="Awin transactions")
            if not isinstance(answer, list):
                raise ReportSyncFailed(detail="Awin transactions: the answer is not a list.")
            for transaction in answer:
                if isinstance(transaction, dict):
                    found[str(transaction.get("id"))] = transaction
        rows: list[Row | RowFailure] = []
        for tx_id, transaction in found.items():
            try:
                rows.append(transaction_row(transaction))
            except MALFORMED:
                rows.append(malformed(tx_id, f"Awin transaction {tx_id[:40]}"))
        return rows
