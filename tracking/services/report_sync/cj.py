"""CJ's Commission Detail API (GraphQL).

POST {base}/query with `Authorization: Bearer <personal access token>`; the body is the
query document itself, as CJ's own example sends it:
publisherCommissions(forPublishers: ["<CID>"], sincePostingDate: …, beforePostingDate: …)
→ {count, payloadComplete, maxCommissionId, records}. A page that is not complete is
continued with sinceCommissionId = maxCommissionId.

Which transaction a record belongs to: CJ never edits a record. A correction (a return,
a cancelled order, an advertiser's restatement) arrives as a new record with its own
commissionId, `original: false`, the amounts it changes by (negative for a return) and
`originalActionId`, which CJ defines as the id correlating the original transaction and
its corrections. So originalActionId is our txn_id: every record of one sale lands on one
event. Not orderId: the advertiser assigns it, it may be empty, and one order can hold
several commissionable actions. Not commissionId: each correction would look like a new
sale.

Records of one action found in the same window are added up into one report of the
sale as it now stands (a cancellation that brings it to zero is a rejection), so
re-reading a window reports the same totals again: a duplicate. A correction whose sale
was reported in an earlier window is passed on as the change it is (negative: a partial
chargeback, as the amount-change rules say).

Amounts: the records' USD fields. The publisher-currency fields do not say which currency
they are in (that is the CJ account's setting, not part of the record), while USD is
always named; a platform in another currency converts at the sale date's FX rate.
Statuses: new and extended (the advertiser may still correct it) → pending; locked and
closed (final, in or past the payout cycle) → approved. eventDate → sale_date;
shopperId (the SID our click-out sets) → click_id.
"""

import json
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from config.money import money
from offers.models import Network

from .base import ReportSyncFailed, Row, credentials, endpoint
from .http import request_json
from .values import compact, utc_time

STATUSES = {"new": "pending", "extended": "pending", "locked": "approved", "closed": "approved"}
FIELDS = (
    "commissionId originalActionId original orderId shopperId actionStatus correctionReason"
    " eventDate postingDate saleAmountUsd pubCommissionAmountUsd"
)
# A runaway cursor (an API that keeps saying "not complete") must end somewhere.
MAX_PAGES = 1000


def _cj_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def commissions_query(cid: str, since: datetime, before: datetime, after: str | None) -> str:
    # json.dumps writes valid GraphQL string literals for whatever the fields hold.
    arguments = [
        f"forPublishers: [{json.dumps(cid)}]",
        f"sincePostingDate: {json.dumps(_cj_time(since))}",
        f"beforePostingDate: {json.dumps(_cj_time(before))}",
    ]
    if after:
        arguments.append(f"sinceCommissionId: {json.dumps(after)}")
    return (
        f"{{ publisherCommissions({', '.join(arguments)}) "
        f"{{ count payloadComplete maxCommissionId records {{ {FIELDS} }} }} }}"
    )


def _decimal(value) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise ValueError(value) from None


def action_row(action_id: str, records: list[dict]) -> Row:
    """One action's records (in the order CJ returned them) as one report."""
    originals = [record for record in records if record.get("original") is True]
    first, latest = (originals or records)[0], records[-1]
    status = STATUSES.get(str(latest.get("actionStatus") or "").lower(), "")
    try:
        commission = sum(_decimal(r.get("pubCommissionAmountUsd")) or 0 for r in records)
        sales = [_decimal(r.get("saleAmountUsd")) for r in records]
    except ValueError as exc:
        # Passed on as written: the postback service refuses it and this row alone fails.
        return compact({"click_id": "", "txn_id": action_id, "commission": str(exc)})
    sale = sum(s for s in sales if s is not None) if any(s is not None for s in sales) else None
    if originals and commission == 0 and any(r.get("correctionReason") for r in records):
        # Fully corrected away: the sale as first reported, rejected.
        status = "rejected"
        commission = _decimal(first.get("pubCommissionAmountUsd")) or Decimal(0)
        sale = _decimal(first.get("saleAmountUsd"))
    shopper = next((str(r["shopperId"]) for r in records if r.get("shopperId")), "")
    return compact(
        {
            "click_id": shopper,
            "txn_id": action_id,
            "sale_amount": "" if sale is None else format(money(sale), "f"),
            "commission": format(money(commission), "f"),
            "currency": "USD",
            "status": status or str(latest.get("actionStatus") or ""),
            "sale_date": utc_time(first.get("eventDate")),
        }
    )


def action_rows(records: list[dict]) -> list[Row]:
    actions: dict[str, list[dict]] = {}
    for record in records:
        action_id = str(record.get("originalActionId") or record.get("commissionId") or "")
        actions.setdefault(action_id, []).append(record)
    return [action_row(action_id, group) for action_id, group in actions.items()]


class CjAdapter:
    default_endpoint = "https://commissions.api.cj.com"

    def fetch(self, network: Network, since: datetime, until: datetime) -> list[Row]:
        cid, token = credentials(network)
        url = f"{endpoint(network, self)}/query"
        records: list[dict] = []
        after = None
        for _page in range(MAX_PAGES):
            page = self._page(url, token, commissions_query(cid, since, until, after))
            records.extend(r for r in page.get("records") or [] if isinstance(r, dict))
            if page.get("payloadComplete") is True:
                return action_rows(records)
            after = page.get("maxCommissionId")
            if not after:
                raise ReportSyncFailed(
                    detail="CJ commissions: an incomplete page without maxCommissionId."
                )
        raise ReportSyncFailed(detail=f"CJ commissions: more than {MAX_PAGES} pages.")

    def _page(self, url: str, token: str, query: str) -> dict:
        answer = request_json("POST", url, token=token, what="CJ commissions", body=query.encode())
        data = answer.get("data") if isinstance(answer, dict) else None
        page = data.get("publisherCommissions") if isinstance(data, dict) else None
        if not isinstance(page, dict):
            errors = answer.get("errors") if isinstance(answer, dict) else None
            messages = "; ".join(
                str(error.get("message", ""))[:200]
                for error in errors or []
                if isinstance(error, dict)
            ).replace(token, "…")
            raise ReportSyncFailed(
                detail=f"CJ commissions: no results ({messages or 'unexpected answer'})."
            )
        return page
