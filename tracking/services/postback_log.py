"""Writing postback log rows: always with credentials redacted (see redaction.py)."""

from config.fast_insert import insert_instance
from offers.models import Network

from ..models import PostbackLog
from .redaction import network_aliases, redact_log_fields


def _any_networks_token_names() -> dict[str, str]:
    """Every name any network of ours gives its token. A request to a wrong or renamed
    slug is still likely one of our networks, sending its token under its own name."""
    names = {}
    for convention, param_aliases in Network.objects.values_list("convention", "param_aliases"):
        aliases = network_aliases(convention, param_aliases)
        names.update({name: ours for name, ours in aliases.items() if ours == "token"})
    return names


def _redact(log, network, unknown_aliases=None) -> bool:
    """Redact `log` in place, by its network's parameter names; True if anything changed."""
    if network is not None:
        aliases = network_aliases(network.convention, network.param_aliases)
    else:
        aliases = unknown_aliases or {}
    redacted = redact_log_fields(
        query=log.query, body=log.body, headers=log.headers, aliases=aliases
    )
    if redacted == (log.query, log.body, log.headers):
        return False
    log.query, log.body, log.headers = redacted
    return True


def postback_log_save(log: PostbackLog) -> PostbackLog:
    """The one way a postback log row is written."""
    unknown = log.network_id is None and log.kind == PostbackLog.Kind.NETWORK
    _redact(log, log.network, _any_networks_token_names() if unknown else None)
    # One parameterised INSERT, no ORM compile: every postback writes one.
    insert_instance(log)
    return log


def postback_logs_redact(log_model=PostbackLog, *, batch_size: int = 1000) -> int:
    """Redact rows written before redaction existed; safe to run again. `log_model` is
    the migration's historical model when a migration calls it. Returns rows changed."""
    changed = []
    total = 0
    rows = (
        log_model.objects.select_related("network")
        .only(
            "query", "body", "headers", "network", "network__convention", "network__param_aliases"
        )
        .order_by("pk")
    )
    for log in rows.iterator(chunk_size=batch_size):
        if _redact(log, log.network):
            changed.append(log)
        if len(changed) >= batch_size:
            total += log_model.objects.bulk_update(changed, ["query", "body", "headers"])
            changed = []
    if changed:
        total += log_model.objects.bulk_update(changed, ["query", "body", "headers"])
    return total
