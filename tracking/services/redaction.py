"""Credentials never reach the postback log.

Everyone who may read tracking can read the log; a network's token or signature there
would let them forge an approved postback. What is kept instead is a fixed marker, so a
dispute still shows that a credential was sent, and replays (which re-apply only rows
that authenticated when received) never need it.

Pure functions of plain data, so that the data migration redacting old rows uses them too.
"""

import json
import re
from collections.abc import Mapping
from decimal import Decimal
from urllib.parse import unquote_plus

from offers.conventions import CONVENTIONS, OUR_PARAMS

REDACTED = "[redacted]"

# Names that carry a credential in any convention we know or can guess.
_SECRET_NAME = re.compile(
    r"token|secret|passw|pwd|api[_-]?key|signature|credential|authoriz"
    r"|^(sig|sign|key|hash|auth)$|[_-](key|sig)$",
    re.IGNORECASE,
)


def network_aliases(convention: str | None, param_aliases: Mapping | None) -> dict[str, str]:
    """A network's parameter names → ours, from its stored fields (as Network.aliases())."""
    if convention is None:
        return {}
    return {
        **CONVENTIONS.get(convention, CONVENTIONS["custom"])["aliases"],
        **(param_aliases or {}),
    }


def is_secret(name: str, aliases: Mapping[str, str]) -> bool:
    ours = name if name in OUR_PARAMS else aliases.get(name)
    if ours is not None:
        # The token under any name the network uses for it; never a parameter a replay
        # needs (a click id the network happens to call "sig" stays readable).
        return ours == "token"
    return bool(_SECRET_NAME.search(name))


def redact_params(params: Mapping[str, str], aliases: Mapping[str, str]) -> dict[str, str]:
    return {name: REDACTED if is_secret(name, aliases) else value for name, value in params.items()}


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    return {name: REDACTED if is_secret(name, {}) else value for name, value in headers.items()}


def redact_body(body: str, content_type: str, aliases: Mapping[str, str]) -> str:
    """The body with every credential's value replaced, the rest as it came. A body we
    cannot read (multipart, truncated, malformed) is kept only if it names no credential."""
    if not body:
        return body
    if "json" in content_type:
        try:
            document = json.loads(body, parse_float=Decimal, parse_int=Decimal)
        except ValueError:
            document = None
        if isinstance(document, dict | list):
            return _json_text(_redact_json(document, aliases))
    elif "x-www-form-urlencoded" in content_type:
        return "&".join(_redact_pair(pair, aliases) for pair in body.split("&"))
    return REDACTED if _names_a_secret(body, aliases) else body


def _redact_pair(pair: str, aliases: Mapping[str, str]) -> str:
    name, sep, _ = pair.partition("=")
    return f"{name}={REDACTED}" if sep and is_secret(unquote_plus(name), aliases) else pair


def _names_a_secret(text: str, aliases: Mapping[str, str]) -> bool:
    words = re.findall(r"[A-Za-z0-9_-]+", text)
    return any(is_secret(word, aliases) for word in words)


def _redact_json(value, aliases: Mapping[str, str]):
    if isinstance(value, dict):
        return {
            key: REDACTED if is_secret(key, aliases) else _redact_json(item, aliases)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_redact_json(item, aliases) for item in value]
    return value


def _json_text(value) -> str:
    """JSON text with numbers exactly as the sender wrote them (json.dumps cannot write a
    Decimal, and a float would change 20.50 into 20.5)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)}: {_json_text(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_json_text(item) for item in value) + "]"
    if isinstance(value, Decimal):
        return str(value)
    return json.dumps(value)


def redact_log_fields(
    *, query: Mapping, body: str, headers: Mapping, aliases: Mapping[str, str]
) -> tuple[dict, str, dict]:
    """(query, body, headers) of a postback log row, credentials redacted."""
    return (
        redact_params(query, aliases),
        redact_body(body, headers.get("Content-Type", ""), aliases),
        redact_headers(headers),
    )
