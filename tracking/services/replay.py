"""Postbacks that did not arrive over HTTP: a network's report (a file, or its report API
through report_sync), or our own log."""

import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import parse_qsl

from django.db import DatabaseError

from campaigns.models import Campaign
from offers.models import Network

from ..models import PostbackLog
from .conversions import conversion_postback_process
from .postback_log import postback_log_save
from .postbacks import (
    PostbackNotFound,
    PostbackReply,
    PostbackUnavailable,
    finish,
    network_postback_process,
)

logger = logging.getLogger(__name__)


@dataclass
class ReplayReport:
    outcomes: dict[str, int] = field(default_factory=dict)
    # (line, code, detail); the line is a file's line, a log row's id or a report's txn id.
    failures: list[tuple[int | str, str, str]] = field(default_factory=list)

    def add(self, line: int | str, log: PostbackLog) -> None:
        if log.outcome == PostbackLog.Outcome.FAILURE:
            self.fail(line, log.code, log.message)
        else:
            self.outcomes[log.outcome] = self.outcomes.get(log.outcome, 0) + 1

    def fail(self, line: int | str, code: str, message: str) -> None:
        failure = PostbackLog.Outcome.FAILURE
        self.outcomes[failure] = self.outcomes.get(failure, 0) + 1
        self.failures.append((line, code, message))

    def summary(self) -> str:
        return (
            ", ".join(f"{n} {outcome}" for outcome, n in sorted(self.outcomes.items())) or "nothing"
        )


def params_from_log(log: PostbackLog) -> dict[str, str]:
    """The parameters the original request carried, as the view read them (credentials
    redacted: a replay applies a row that authenticated when received, it asks nothing)."""
    params = dict(log.query)
    if log.body:
        if "json" in log.headers.get("Content-Type", ""):
            body = json.loads(log.body, parse_float=Decimal)
            if isinstance(body, dict):
                params.update(
                    {k: str(v) for k, v in body.items() if not isinstance(v, dict | list)}
                )
        else:
            params.update(dict(parse_qsl(log.body, keep_blank_values=True)))
    return params


def _apply(
    network: Network, raw: Mapping[str, str], *, method: str, ip=None, received_at=None
) -> PostbackLog:
    log = PostbackLog(
        kind=PostbackLog.Kind.NETWORK,
        source=network.slug,
        method=method,
        query=dict(raw),
        remote_ip=ip,
        # We fetched or were handed it: a report file from staff, the network's report API
        # read with its credentials, or our own authenticated log.
        authenticated=True,
    )
    try:
        network_postback_process(network=network, raw=raw, log=log, received_at=received_at)
    except DatabaseError:
        # As the view does: nothing was half-written, the row fails alone and the others
        # still apply; it can be applied again later (rows are idempotent).
        logger.exception("network report row for %s hit a database error", network.slug)
        finish(log, PostbackReply.error(PostbackUnavailable(detail="Try again shortly.")))
    postback_log_save(log)  # a report file may carry credentials too
    return log


def network_rows_apply(
    *,
    network: Network,
    rows: Iterable[tuple[int | str, dict]],
    method: str,
    report: ReplayReport | None = None,
) -> ReplayReport:
    """Apply a report's rows (`line`, the network's parameters) one by one: a row that
    fails is counted and the others still apply."""
    report = report if report is not None else ReplayReport()
    for line, row in rows:
        clean = {str(k).strip(): str(v or "").strip() for k, v in row.items() if k}
        if any("\x00" in text for pair in clean.items() for text in pair):
            # PostgreSQL cannot store NUL: the row fails on its own, the others still apply.
            report.fail(line, "invalid_parameter", "A value contains NUL.")
            continue
        report.add(line, _apply(network, clean, method=method))
    return report


def network_report_import(*, network: Network, rows: Iterable[tuple[int, dict]]) -> ReplayReport:
    return network_rows_apply(network=network, rows=rows, method="REPORT")


def _replay_conversion(logged: PostbackLog, campaigns: dict[str, Campaign | None]) -> PostbackLog:
    """A conversion postback again, for the campaign that authenticated it (its slug is
    the log's source)."""
    if logged.source not in campaigns:
        campaigns[logged.source] = Campaign.objects.filter(slug=logged.source).first()
    raw = params_from_log(logged)
    log = PostbackLog(
        kind=PostbackLog.Kind.CONVERSION,
        source=logged.source,
        method="REPLAY",
        query=dict(raw),
        remote_ip=logged.remote_ip,
        authenticated=True,
    )
    campaign = campaigns[logged.source]
    if campaign is None:
        finish(log, PostbackReply.error(PostbackNotFound("unknown_campaign", "No such campaign.")))
    else:
        conversion_postback_process(
            campaign=campaign,
            raw=raw,
            ip=logged.remote_ip,
            log=log,
            received_at=logged.received_at,
        )
    postback_log_save(log)
    return log


def postbacks_replay(*, logs: Iterable[PostbackLog]) -> ReplayReport:
    """Apply logged postbacks again (network and conversion ones). Only ones that passed
    authentication are taken: a forged request must never turn into money by being
    replayed."""
    report = ReplayReport()
    campaigns: dict[str, Campaign | None] = {}
    for log in logs:
        if not log.authenticated:
            continue
        if log.kind == PostbackLog.Kind.CONVERSION:
            report.add(log.pk, _replay_conversion(log, campaigns))
        elif log.network is not None:
            report.add(
                log.pk,
                _apply(
                    log.network,
                    params_from_log(log),
                    method="REPLAY",
                    ip=log.remote_ip,
                    # A report without a sale date is dated when it arrived, not now.
                    received_at=log.received_at,
                ),
            )
    return report
