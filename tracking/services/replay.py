"""Postbacks that did not arrive over HTTP: a network's report file, or our own log."""

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import parse_qsl

from offers.models import Network

from ..models import PostbackLog
from .postback_log import postback_log_save
from .postbacks import network_postback_process


@dataclass
class ReplayReport:
    outcomes: dict[str, int] = field(default_factory=dict)
    failures: list[tuple[int, str, str]] = field(default_factory=list)  # (line, code, detail)

    def add(self, line: int, log: PostbackLog) -> None:
        if log.outcome == PostbackLog.Outcome.FAILURE:
            self.fail(line, log.code, log.message)
        else:
            self.outcomes[log.outcome] = self.outcomes.get(log.outcome, 0) + 1

    def fail(self, line: int, code: str, message: str) -> None:
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


def _apply(network: Network, raw: Mapping[str, str], *, method: str, ip=None) -> PostbackLog:
    log = PostbackLog(
        kind=PostbackLog.Kind.NETWORK,
        source=network.slug,
        method=method,
        query=dict(raw),
        remote_ip=ip,
        authenticated=True,  # staff supplied it: a report file or our own authenticated log
    )
    network_postback_process(network=network, raw=raw, log=log)
    postback_log_save(log)  # a report file may carry credentials too
    return log


def network_report_import(*, network: Network, rows: Iterable[tuple[int, dict]]) -> ReplayReport:
    report = ReplayReport()
    for line, row in rows:
        clean = {str(k).strip(): str(v or "").strip() for k, v in row.items() if k}
        if any("\x00" in text for pair in clean.items() for text in pair):
            # PostgreSQL cannot store NUL: the row fails on its own, the others still apply.
            report.fail(line, "invalid_parameter", "A value contains NUL.")
            continue
        report.add(line, _apply(network, clean, method="REPORT"))
    return report


def postbacks_replay(*, logs: Iterable[PostbackLog]) -> ReplayReport:
    """Apply logged postbacks again. Only ones that passed authentication are taken: a
    forged request must never turn into money by being replayed."""
    report = ReplayReport()
    for log in logs:
        if not log.authenticated or log.network is None:
            continue
        report.add(
            log.pk, _apply(log.network, params_from_log(log), method="REPLAY", ip=log.remote_ip)
        )
    return report
