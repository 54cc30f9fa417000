"""Network postbacks: a network tells us a click became a sale, or what became of it.

network_postback_handle (HTTP) = find network + authenticate + network_postback_process.
network_postback_process (also used by report imports and replays) = map the network's
names onto ours + validate + record through the wallet's cashback services.
Nothing here moves money itself.
"""

import hashlib
import hmac
import ipaddress
import re
import time
import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import connection
from django.utils import timezone

from config.errors import Conflict, Forbidden, NotFound, Refusal
from config.fast_select import db_value, select_row
from config.money import check_amount_size, parse_amount
from offers.conventions import OUR_PARAMS, OUR_STATUSES
from offers.models import CashbackTerms, Merchant, Network
from offers.models.network import parse_allowlist
from wallet.models import CashbackEvent
from wallet.services.cashback import (
    CashbackOutcome,
    CashbackRefused,
    ForeignAmounts,
    cashback_record,
)
from wallet.services.fx import FxConversion, fx_conversion
from wallet.services.rules import cashback_amount, choose_rate

from ..models import Click, PostbackLog
from .sale_dates import check_sale_date, parse_sale_date

if TYPE_CHECKING:
    from .postback_input import PostbackInput

# sale_amount is optional: some networks (CAKE) report only their commission.
REQUIRED = ("click_id", "txn_id", "commission")
_CURRENCY = re.compile(r"[A-Z]{3}")
SIGNATURE_HEADER = "X-Postback-Signature"
TIMESTAMP_HEADER = "X-Postback-Timestamp"


class PostbackRejected(Refusal):
    """A postback we refuse: 400 unless its kind says otherwise."""


class DuplicateParameter(PostbackRejected):
    """One parameter with two values: readers of the same request could see two sales."""

    code = "duplicate_parameter"


class PostbackForbidden(PostbackRejected, Forbidden):
    """No credential, a wrong one, or a sender outside the allowlist (403, as always)."""


class PostbackNotFound(PostbackRejected, NotFound):
    pass


class PostbackConflict(PostbackRejected, Conflict):
    pass


class AnonymousClick(PostbackRejected):
    """Well-formed, but nobody can earn on it: retrying will not help."""

    http_status = 422
    code = "anonymous_click"


class PostbackUnavailable(PostbackRejected):
    """The database failed; nothing was written and the sender should retry."""

    http_status = 503
    code = "database_unavailable"


@dataclass(frozen=True)
class PostbackReply:
    status: int
    body: dict

    @classmethod
    def error(cls, exc: Refusal) -> "PostbackReply":
        return cls(exc.http_status, {"status": "error", "code": exc.code, "detail": exc.detail})


@dataclass(frozen=True)
class NetworkSale:
    click_id: uuid.UUID
    txn_id: str
    sale_amount: Decimal | None  # None: the network reported only its commission
    commission: Decimal  # negative amounts: a partial chargeback of a known transaction
    currency: str  # as reported
    status: str | None  # None: the report says nothing about the status
    sale_at: datetime | None = None
    category: str = ""
    currency_given: bool = True  # False: the report named none (the platform's, or the sale's)
    adjustment_id: str = ""  # the network's id of a correction: keys a chargeback


# --- reading the request ---------------------------------------------------------------


def canonical_params(network: Network, raw: Mapping[str, str]) -> dict[str, str]:
    """The request's parameters under our names. One of ours given under two names (ours
    and an alias, or two aliases) with different values is ambiguous: refused."""
    aliases = network.aliases()
    params: dict[str, str] = {}
    named: dict[str, str] = {}
    for name, value in raw.items():
        ours = name if name in OUR_PARAMS else aliases.get(name)
        if ours is None:
            continue
        if ours in params and params[ours] != value:
            raise DuplicateParameter(
                detail=f"{named[ours]} and {name} both give {ours}, with different values."
            )
        params[ours], named[ours] = value, name
    return params


def _status(network: Network, raw: str) -> str:
    statuses = network.statuses()
    status = statuses.get(raw, statuses.get(raw.lower(), raw.lower()))
    if status not in OUR_STATUSES:
        raise PostbackRejected(
            "unknown_status", f"Status {raw!r} is not one of {', '.join(OUR_STATUSES)}."
        )
    return status


def click_and_txn(params: Mapping[str, str], required: tuple[str, ...]) -> tuple[uuid.UUID, str]:
    """The ids every postback carries (network or conversion), checked along with the
    other `required` fields: a 400 naming what is missing or malformed."""
    missing = [name for name in required if not params.get(name, "").strip()]
    if missing:
        raise PostbackRejected("missing_field", f"Missing {', '.join(missing)}.")
    try:
        click_id = uuid.UUID(params["click_id"].strip())
    except ValueError as exc:
        raise PostbackRejected(
            "invalid_click_id", "click_id is not one of our click ids (a UUID)."
        ) from exc
    txn_id = params["txn_id"].strip()
    if len(txn_id) > 255:
        raise PostbackRejected("invalid_txn_id", "txn_id is longer than 255 characters.")
    return click_id, txn_id


def reported_currency(params: Mapping[str, str]) -> str:
    currency = (params.get("currency") or settings.PLATFORM_CURRENCY).strip().upper()
    if not _CURRENCY.fullmatch(currency):
        raise PostbackRejected(
            "unsupported_currency", f"{currency[:10]!r} is not an ISO 4217 currency code."
        )
    return currency


def sale_from_params(network: Network, params: dict[str, str]) -> NetworkSale:
    click_id, txn_id = click_and_txn(params, REQUIRED)
    sale_amount = params.get("sale_amount") or ""  # not stripped: " 10" is refused
    return NetworkSale(
        click_id=click_id,
        txn_id=txn_id,
        sale_amount=(
            parse_amount(sale_amount, allow_negative=True, field="sale_amount")
            if sale_amount
            else None
        ),
        commission=parse_amount(params["commission"], allow_negative=True, field="commission"),
        currency=reported_currency(params),
        currency_given=bool((params.get("currency") or "").strip()),
        adjustment_id=(params.get("adjustment_id") or "").strip()[:100],
        # Absent: "pending" for a first report; no news about the status for a later one.
        status=_status(network, params["status"].strip()) if params.get("status") else None,
        sale_at=parse_sale_date(params.get("sale_date")),
        category=(params.get("category") or "").strip().lower()[:100],
    )


# --- authentication ---------------------------------------------------------------------


def authenticate(
    network: Network,
    *,
    params: dict[str, str],
    ip: str | None,
    headers: Mapping,
    payload: bytes,
    unsigned_names: Collection[str] = (),
) -> None:
    """A postback must come from an allowed address, with the network's token or a
    fresh HMAC-SHA256 signature of "<timestamp>.<payload>". A signature vouches only for
    the payload: a signed request that also carries parameters outside it is refused, or
    anyone holding one signed body could point it at another click or status."""
    allowlist = parse_allowlist(network.ip_allowlist)
    if allowlist:
        address = ipaddress.ip_address(ip) if ip else None
        if address is None or not any(address in allowed for allowed in allowlist):
            raise PostbackForbidden("ip_not_allowed", f"{ip} may not send postbacks.")
    token = params.get("token", "")
    if token:
        if network.token_matches(token):
            return
        raise PostbackForbidden("invalid_token", "The token is not this network's.")
    signature = headers.get(SIGNATURE_HEADER, "")
    if network.hmac_secret and signature:
        _check_signature(network.hmac_secret, headers.get(TIMESTAMP_HEADER, ""), signature, payload)
        if unsigned_names:
            raise PostbackRejected(
                "unsigned_parameters",
                f"The signature covers the body only; send {', '.join(sorted(unsigned_names))} "
                "in the body, not the query string.",
            )
        return
    raise PostbackForbidden("missing_credentials", "Send token= or an X-Postback-Signature header.")


def _check_signature(secret: str, timestamp: str, signature: str, payload: bytes) -> None:
    try:
        sent_at = int(timestamp)
    except ValueError as exc:
        raise PostbackForbidden(
            "invalid_signature", f"{TIMESTAMP_HEADER} must be a Unix time."
        ) from exc
    if abs(time.time() - sent_at) > settings.POSTBACK_HMAC_TOLERANCE:
        raise PostbackForbidden("stale_signature", "The signature's timestamp is too old.")
    expected = hmac.new(secret.encode(), f"{sent_at}.".encode() + payload, hashlib.sha256)
    if not hmac.compare_digest(expected.hexdigest(), signature.strip().lower()):
        raise PostbackForbidden("invalid_signature", "The signature does not match.")


# --- applying ----------------------------------------------------------------------------


# What applying a sale reads: of its click, its store, and the event this transaction
# already is (if any). The store and the event are joined: one statement, the event one
# probe of the (network, txn) unique index, so a first report pays no extra round trip.
_CLICK_FIELDS = (
    "id",
    "user_id",
    "offer_id",
    "cashback_type",
    "cashback_value",
    "cashback_max",
    "cashback_uncapped",
    "cashback_share",
    "rates",
    "created_at",
)
_MERCHANT_FIELDS = ("id", "name", "network_id", "confirmation_days")
_KNOWN = ("id", "sale_at", "category_code", "original_currency", "fx_rate", "sale_amount")


def _column(model, name: str) -> str:
    return model._meta.get_field(name).column


@cache
def _click_read() -> tuple[str, list]:
    click, merchant, event = (model._meta.db_table for model in (Click, Merchant, CashbackEvent))
    selected = ", ".join(
        [f"c.{_column(Click, name)}" for name in _CLICK_FIELDS]
        + [f"m.{_column(Merchant, name)}" for name in _MERCHANT_FIELDS]
        + [f"e.{_column(CashbackEvent, name)}" for name in _KNOWN]
    )
    sql = (
        f"SELECT {selected} FROM {click} c "  # noqa: S608 (names from the models)
        f"JOIN {merchant} m ON m.id = c.merchant_id "
        f"LEFT JOIN {event} e ON e.network_id = %s AND e.external_txn_id = %s "
        "WHERE c.click_id = %s"
    )
    columns = (
        [(Click, name) for name in _CLICK_FIELDS]
        + [(Merchant, name) for name in _MERCHANT_FIELDS]
        + [(CashbackEvent, name) for name in _KNOWN]
    )
    return sql, columns


def _click_and_known_sale(network: Network, sale: "NetworkSale") -> Click | None:
    """The click (its store loaded), and on it (known_sale_at, known_category_code, …) the
    event this transaction already is, if any (all None if not)."""
    sql, columns = _click_read()
    row = select_row(
        sql, [network.pk, sale.txn_id, db_value(Click, "click_id", sale.click_id)], columns
    )
    if row is None:
        return None
    n_click, n_merchant = len(_CLICK_FIELDS), len(_MERCHANT_FIELDS)
    click = Click.from_db(connection.alias, _CLICK_FIELDS, row[:n_click])
    click.merchant = Merchant.from_db(
        connection.alias, _MERCHANT_FIELDS, row[n_click : n_click + n_merchant]
    )
    for name, value in zip(_KNOWN, row[n_click + n_merchant :], strict=True):
        setattr(click, f"known_{name}", value)
    return click


def _read_as_of_sale(
    click: Click, sale: NetworkSale, received_at: datetime | None
) -> tuple[datetime, str, FxConversion]:
    """When the sale happened, its category and how to convert its amounts.

    A first report is checked against its click and converted at its sale date's rate. A
    later report about a sale we hold is read as of that sale: its date, its category and
    currency unless the report names them, and its exchange rate, so a status update days
    later is not mistaken for new amounts because today's rate differs."""
    if click.known_id is None:
        sale_at = check_sale_date(sale.sale_at, clicked_at=click.created_at, now=received_at)
        return sale_at, sale.category, fx_conversion(sale.currency, timezone.localdate(sale_at))
    sale_at = click.known_sale_at
    currency = (
        sale.currency
        if sale.currency_given
        else click.known_original_currency or settings.PLATFORM_CURRENCY
    )
    convert = (
        FxConversion(click.known_original_currency, click.known_fx_rate)
        if click.known_fx_rate is not None and currency == click.known_original_currency
        else fx_conversion(currency, timezone.localdate(sale_at))
    )
    return sale_at, sale.category or click.known_category_code, convert


def apply_sale(
    network: Network, sale: NetworkSale, *, received_at: datetime | None = None
) -> CashbackOutcome:
    """Record `sale`. `received_at`: when the report reached us, if not now (a replay):
    a report without a sale date is dated then, and converted at that day's rate."""
    click = _click_and_known_sale(network, sale)
    if click is None:
        raise PostbackNotFound("unknown_click", f"No click {sale.click_id}.")
    if click.merchant.network_id != network.pk:
        raise PostbackRejected(
            "click_network_mismatch", "That click went to a store on another network."
        )
    if click.user_id is None:
        raise AnonymousClick(detail="That click was made logged out: nobody earns cashback on it.")
    sale_at, category, convert = _read_as_of_sale(click, sale, received_at)
    sale_amount, commission = convert(sale.sale_amount), convert(sale.commission)
    # The limit holds in the platform currency: a rate can take an amount past it (and a
    # huge one past what the money columns hold).
    for field, amount in (("sale_amount", sale_amount), ("commission", commission)):
        if amount is not None:
            check_amount_size(amount, field=field)
    rate = choose_rate(
        terms=CashbackTerms(
            click.cashback_type, click.cashback_value, click.cashback_max, click.cashback_uncapped
        ),
        share=click.cashback_share,
        rates=click.rates,
        category=category,
        sale_date=timezone.localdate(sale_at),
        # A later report without one keeps the sale's amount, which the cashback is of.
        has_sale_amount=sale.sale_amount is not None or click.known_sale_amount is not None,
        currency=settings.PLATFORM_CURRENCY,
    )

    def rule(sale_amount: Decimal | None, commission: Decimal) -> Decimal:
        return cashback_amount(
            terms=rate.terms, sale_amount=sale_amount, commission=commission, share=rate.share
        )

    try:
        return cashback_record(
            user_id=click.user_id,
            network=network,
            merchant=click.merchant,
            offer_id=click.offer_id,
            click_uuid=sale.click_id,
            txn_id=sale.txn_id,
            sale_amount=sale_amount,
            commission=commission,
            cashback=rule(sale_amount, commission),
            currency=settings.PLATFORM_CURRENCY,
            network_status=sale.status,
            sale_at=sale_at,
            category_code=category,
            rate_label=rate.label,
            foreign=(
                ForeignAmounts(convert.currency, sale.sale_amount, sale.commission, convert.rate)
                if convert.foreign
                else None
            ),
            cashback_rule=rule,
            adjustment_id=sale.adjustment_id,
            known=click.known_id is not None,
        )
    except CashbackRefused as exc:
        raise PostbackConflict(exc.code, exc.detail) from exc


def _event_body(outcome: CashbackOutcome) -> dict:
    event = outcome.event
    return {
        "status": "ok",
        "event": {
            "id": event.pk,
            "status": event.status,
            "network_status": event.network_status,
            "cashback": str(event.cashback_amount),
            "currency": event.currency,
        },
        "duplicate": outcome.duplicate,
    }


def network_postback_process(
    *,
    network: Network,
    raw: Mapping[str, str],
    log: PostbackLog,
    received_at: datetime | None = None,
) -> PostbackReply:
    """Validate and record an already-authenticated postback; fills in `log`.
    `received_at`: when a replayed postback first arrived."""
    log.network = network
    try:
        params = canonical_params(network, raw)
    except PostbackRejected as exc:
        return finish(log, PostbackReply.error(exc))
    log.txn_id = params.get("txn_id", "")[:255]
    try:
        outcome = apply_sale(network, sale_from_params(network, params), received_at=received_at)
    except Refusal as exc:  # ours, or one from below (an amount the ledger will not post)
        return finish(log, PostbackReply.error(exc))
    log.event = outcome.event
    return finish(log, PostbackReply(200, _event_body(outcome)), duplicate=outcome.duplicate)


# Not the API credentials: decrypting them on every postback would be wasted work.
_NETWORK_FIELDS = tuple(
    field.attname for field in Network._meta.concrete_fields if field.name != "api_credentials"
)


@cache
def _network_read() -> tuple[str, list]:
    selected = ", ".join(Network._meta.get_field(name).column for name in _NETWORK_FIELDS)
    table = Network._meta.db_table
    sql = f"SELECT {selected} FROM {table} WHERE slug = %s"  # noqa: S608 (names from the model)
    return sql, [(Network, Network._meta.get_field(name).name) for name in _NETWORK_FIELDS]


def _network(slug: str) -> Network | None:
    """The network of a postback's URL, read by hand: its query compiled by the ORM on
    every postback cost more than the read."""
    sql, columns = _network_read()
    row = select_row(sql, [slug], columns)
    return None if row is None else Network.from_db(connection.alias, _NETWORK_FIELDS, row)


def network_postback_handle(
    *,
    network_slug: str,
    received: "PostbackInput",
    ip: str | None,
    headers: Mapping,
    log: PostbackLog,
) -> PostbackReply:
    network = _network(network_slug)
    if network is None:
        return finish(
            log, PostbackReply.error(PostbackNotFound("unknown_network", "No such network."))
        )
    log.network = network
    try:
        authenticate(
            network,
            params=canonical_params(network, received.params),
            ip=ip,
            headers=headers,
            payload=received.signed_payload,
            unsigned_names=received.unsigned_names,
        )
    except PostbackRejected as exc:
        return finish(log, PostbackReply.error(exc))
    log.authenticated = True
    return network_postback_process(network=network, raw=received.params, log=log)


def finish(log: PostbackLog, reply: PostbackReply, *, duplicate=False) -> PostbackReply:
    if reply.status == 200:
        log.outcome = PostbackLog.Outcome.DUPLICATE if duplicate else PostbackLog.Outcome.SUCCESS
    else:
        log.outcome = PostbackLog.Outcome.FAILURE
    log.http_status = reply.status
    log.code = reply.body.get("code", "")
    log.message = reply.body.get("detail", "")
    log.processed_at = timezone.now()
    return reply
