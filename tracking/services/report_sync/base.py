"""What every report adapter does: turn a network's report API into postback rows.

An adapter reads one window of a network's transaction report and yields each sale as
the parameters a postback would carry, under our names (click_id, txn_id, sale_amount,
commission, currency, status, sale_date, category). The sync service applies them
through the same service as postbacks, so a report row and a postback about the same
sale are one event, and a row seen twice is a duplicate. An entry the adapter cannot
express as a postback is yielded as a RowFailure instead: counted and shown to staff
with its reason, never applied and never silently left out.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from config.errors import Refusal
from offers.models import Network

# The longest date range Awin's and CJ's report APIs answer in one request.
MAX_WINDOW = timedelta(days=31)

Row = dict[str, str]


@dataclass(frozen=True)
class RowFailure:
    """A report entry that cannot be applied as a postback: a failed row, with a code and
    a sentence telling staff why and what to do."""

    txn_id: str
    code: str
    detail: str


class ReportSyncFailed(Refusal):
    """The report could not be read: nothing of this window was applied. The message
    never carries the network's credentials."""

    http_status = 502
    code = "report_unavailable"


class ReportNotConfigured(ReportSyncFailed):
    http_status = 400
    code = "report_not_configured"


class ReportSyncRunning(ReportSyncFailed):
    http_status = 409
    code = "sync_running"


class ReportAuthFailed(ReportSyncFailed):
    code = "report_auth_failed"


# What reading an entry of an unexpected shape raises: a field of another type (a list
# for an object, a number for a list), a number no amount can be (1e999999, NaN), digits
# past int()'s limit. Such an entry is a failed row; the others still apply.
MALFORMED = (AttributeError, TypeError, ValueError, ArithmeticError)


def malformed(txn_id: str, what: str) -> RowFailure:
    return RowFailure(
        txn_id,
        "malformed_row",
        f"{what} is not shaped as the network's report API documents, so it is not "
        "applied: check it in the network's own report.",
    )


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime


class ReportAdapter(Protocol):
    #: The base URL the network documents, used when the network's api_endpoint is blank.
    default_endpoint: str

    def fetch(
        self, network: Network, since: datetime, until: datetime
    ) -> Iterable[Row | RowFailure]:
        """The sales the report holds for [since, until) (at most MAX_WINDOW apart), as
        postback parameters, in the order they are to be applied. Raises
        ReportSyncFailed if the report cannot be read."""
        ...


def windows(since: datetime, until: datetime, size: timedelta = MAX_WINDOW) -> Iterator[Window]:
    """[since, until) in consecutive windows no longer than `size`, oldest first."""
    start = since
    while start < until:
        end = min(start + size, until)
        yield Window(start, end)
        start = end


def endpoint(network: Network, adapter: ReportAdapter) -> str:
    return (network.api_endpoint or adapter.default_endpoint).rstrip("/")


def credentials(network: Network) -> tuple[str, str]:
    """(account id, access token), or ReportNotConfigured naming what is missing."""
    missing = [
        label
        for label, value in (
            ("report account id", network.report_account_id),
            ("API credentials", network.api_credentials),
        )
        if not value.strip()
    ]
    if missing:
        raise ReportNotConfigured(detail=f"{network.slug} has no {' or '.join(missing)}.")
    return network.report_account_id.strip(), network.api_credentials.strip()
