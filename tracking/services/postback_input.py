"""What a postback request says, read once for both endpoints.

Every parameter must have one value: with `?txn_id=a&txn_id=b` (or a key twice in a form
or JSON body, or in both the query and the body) different readers of the same request
would see different sales, so it is refused. The result also says which bytes an HMAC
signature covers and which parameters came from outside them.
"""

import json
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import SuspiciousOperation
from django.http.multipartparser import MultiPartParserError

from .postbacks import DuplicateParameter, PostbackRejected


@dataclass(frozen=True)
class PostbackInput:
    params: dict[str, str]
    # What a signature is computed over: the body of a POST, the query string of a GET.
    signed_payload: bytes
    # Parameters that came from outside the signed payload (a POST's query string).
    unsigned_names: tuple[str, ...]


def _single(lists, where: str) -> dict[str, str]:
    params = {}
    for name, values in lists:
        if len(values) > 1:
            raise DuplicateParameter(detail=f"{name} is given more than once in the {where}.")
        params[name] = values[0]
    return params


def _json_object(pairs) -> dict:
    keys = [key for key, _ in pairs]
    repeated = sorted({key for key in keys if keys.count(key) > 1})
    if repeated:
        raise DuplicateParameter(detail=f"{repeated[0]} is given more than once in the body.")
    return dict(pairs)


def _body_params(request) -> dict[str, str]:
    if request.content_type == "application/json":
        try:
            body = json.loads(
                request.body or b"{}", parse_float=Decimal, object_pairs_hook=_json_object
            )
        except ValueError as exc:
            raise PostbackRejected("invalid_body", "The body is not valid JSON.") from exc
        if not isinstance(body, dict):
            raise PostbackRejected("invalid_body", "The JSON body must be an object.")
        return {k: str(v) for k, v in body.items() if not isinstance(v, dict | list)}
    try:
        return _single(request.POST.lists(), "body")
    except (MultiPartParserError, SuspiciousOperation) as exc:
        raise PostbackRejected("invalid_body", "The body is no valid form.") from exc


def postback_input_read(request) -> PostbackInput:
    query = _single(request.GET.lists(), "query string")
    if request.method == "POST":
        body = _body_params(request)
        both = sorted(query.keys() & body.keys())
        if both:
            raise DuplicateParameter(
                detail=f"{both[0]} is given in both the query string and the body."
            )
        received = PostbackInput({**query, **body}, request.body, tuple(query))
    else:
        received = PostbackInput(query, request.META.get("QUERY_STRING", "").encode(), ())
    if not all(_storable(text) for item in received.params.items() for text in item):
        # PostgreSQL cannot store or even compare a NUL character, and no UTF-8 text holds
        # a lone surrogate (JSON can spell "\ud800"): refuse them here (the sender must
        # fix it) rather than answer 503 (retry) or 500 to a request that always fails.
        raise PostbackRejected(
            "invalid_parameter", "Parameters must be UTF-8 text and must not contain NUL."
        )
    return received


def _storable(text: str) -> bool:
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return "\x00" not in text
