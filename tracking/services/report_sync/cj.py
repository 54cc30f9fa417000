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

Each record is passed on as it is, one row per record, never added up with the others of
its action: an original record as the sale (its amounts, status, date and click), a
correction as the change it reports (negative amounts: a partial chargeback, keyed on
its commissionId passed as `adjustment_id`, so two returns of the same amounts are two).
Why not net an action's records into one total: the sync re-reads an overlap, and a
staff re-run any range, so a later window can hold a correction without its original.
Netted, the same correction is a total in one window (100 - 40 = 60, a change to 60) and
a chargeback of 40 in the next, which the wallet cannot tell from a new one and takes
again. As records, every window says the same things about the sale (100, then minus
40), and each was applied once: a duplicate.
A correction keeps its own status (a sale returned in full simply goes to zero), and takes
its click from its own shopperId, else from another record of its action in the window.

Not applied, and counted as a failed row for staff: a correction with no click to work out
its cashback by (no shopperId, its sale not in the window: re-run a range holding it), and
one raising an amount (an advertiser's restatement upwards): our rules take a raise only as
new totals, which a correction does not carry, so staff adjust it by hand. A correction
changing no amount changes nothing and is left out.

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

from .base import MALFORMED, ReportSyncFailed, Row, RowFailure, credentials, endpoint, malformed
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


def _amount(value) -> str:
    """CJ's DecimalNumber as our money; what does not parse is passed on as written, for
    the postback service to refuse (that row alone fails)."""
    try:
        number = _decimal(value)
    except ValueError:
        return str(value)
    return "" if number is None else format(money(number), "f")


def _status(record: dict) -> str:
    status = str(record.get("actionStatus") or "")
    return STATUSES.get(status.lower(), status)


def _click(record: dict) -> str:
    return str(record.get("shopperId") or "")


def _commission_order(record: dict) -> tuple[bool, int, str]:
    """CJ's order: a later record of an action has a higher commissionId."""
    text = str(record.get("commissionId") or "")
    return (not text.isdigit(), int(text) if text.isdigit() else 0, text)


def _row(action_id: str, record: dict, *, click: str, sale: str, commission: str) -> Row:
    return compact(
        {
            "click_id": click,
            "txn_id": action_id,
            "sale_amount": sale,
            "commission": commission,
            "currency": "USD",
            "status": _status(record),
            "sale_date": utc_time(record.get("eventDate")),
        }
    )


def correction_row(action_id: str, record: dict, *, click: str) -> Row | RowFailure | None:
    """A correction as the change it reports, or why it cannot be applied (None: it
    changes no amount)."""
    what = f"CJ correction {record.get('commissionId')} of action {action_id}"
    try:
        sale = _decimal(record.get("saleAmountUsd"))
        commission = _decimal(record.get("pubCommissionAmountUsd"))
    except ValueError:
        # Passed on as written: the postback service refuses it and this row alone fails.
        return _row(
            action_id,
            record,
            click=click,
            sale=_amount(record.get("saleAmountUsd")),
            commission=_amount(record.get("pubCommissionAmountUsd")),
        )
    # Rounded first: a change that rounds to 0.00 is none (and "-0.00" beside no other
    # amount would read as a new total of zero).
    sale = None if sale is None else money(sale)
    commission = money(commission or 0)
    amounts = [a for a in (sale, commission) if a is not None]
    if not any(amounts):
        return None
    said = f"sale {'—' if sale is None else sale}, commission {commission} USD"
    if any(a > 0 for a in amounts):
        return RowFailure(
            action_id,
            "correction_raises_amount",
            f"{what} raises it ({said}). A report changes a sale by new totals or by "
            "negative amounts (a chargeback); a raise is neither, so it is not applied: "
            "adjust the shopper's cashback by hand if it stands.",
        )
    if not click:
        return RowFailure(
            action_id,
            "correction_without_click",
            f"{what} ({said}) has no shopperId and its sale is not in this window, so its "
            "cashback cannot be worked out: sync again over a range holding the sale "
            "(--since), or take it back by hand.",
        )
    row = _row(
        action_id,
        record,
        click=click,
        sale="" if sale is None else format(sale, "f"),
        # An amount the correction leaves out did not change: 0 beside a negative one.
        commission=format(commission, "f"),
    )
    # Its own id keys the chargeback: two returns of the same amounts are two.
    return {**row, "adjustment_id": str(record.get("commissionId") or "")[:100]}


def action_rows(records: list[dict]) -> list[Row | RowFailure]:
    """One row per record: actions in the order CJ returned them, each action's records
    oldest first, originals as the sale and corrections as changes."""
    actions: dict[str, list[dict]] = {}
    for record in records:
        action_id = str(record.get("originalActionId") or record.get("commissionId") or "")
        actions.setdefault(action_id, []).append(record)
    rows: list[Row | RowFailure] = []
    for action_id, group in actions.items():
        try:
            rows.extend(_action_rows(action_id, group))
        except MALFORMED:
            # None of the action applies: its records cannot be put in order or read.
            rows.append(malformed(action_id, f"A record of CJ action {action_id[:40]}"))
    return rows


def _action_rows(action_id: str, group: list[dict]) -> list[Row | RowFailure]:
    # The original's click first: every record of an action is the same shopper's sale.
    by_original = sorted(group, key=lambda record: record.get("original") is False)
    action_click = next((_click(r) for r in by_original if _click(r)), "")
    rows: list[Row | RowFailure] = []
    for record in sorted(group, key=_commission_order):
        if record.get("original") is False:
            row = correction_row(action_id, record, click=_click(record) or action_click)
        else:
            row = _row(
                action_id,
                record,
                click=_click(record),
                sale=_amount(record.get("saleAmountUsd")),
                commission=_amount(record.get("pubCommissionAmountUsd")),
            )
        if row is not None:
            rows.append(row)
    return rows


class CjAdapter:
    default_endpoint = "https://commissions.api.cj.com"

    def fetch(self, network: Network, since: datetime, until: datetime) -> list[Row | RowFailure]:
        cid, token = credentials(network)
        url = f"{endpoint(network, self)}/query"
        records: list[dict] = []
        after = None
        for _page in range(MAX_PAGES):
            page = self._page(url, token, commissions_query(cid, since, until, after))
            page_records = page.get("records") or []
            if not isinstance(page_records, list):
                raise ReportSyncFailed(detail="CJ commissions: records is not a list.")
            records.extend(r for r in page_records if isinstance(r, dict))
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
            errors = errors if isinstance(errors, list) else []
            # The token out before cutting, or a cut could leave part of it in.
            messages = "; ".join(
                str(error.get("message", "")).replace(token, "…")[:200]
                for error in errors
                if isinstance(error, dict)
            )
            raise ReportSyncFailed(
                detail=f"CJ commissions: no results ({messages or 'unexpected answer'})."
            )
        return page
