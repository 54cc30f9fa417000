"""The conversion postback: an advertiser tells us a partner's click converted."""

from collections.abc import Mapping
from datetime import datetime
from functools import cache

from django.conf import settings
from django.utils import timezone

from affiliates.models import Conversion
from affiliates.services.conversions import ClickFacts, ForeignAmount, conversion_record
from campaigns.models import Campaign
from config.errors import Refusal
from config.fast_select import db_value, select_row
from config.money import check_amount_size, parse_amount
from config.tokens import hash_token
from wallet.services.fx import FxConversion, fx_conversion

from ..models import AffiliateClick, PostbackLog
from .postbacks import (
    PostbackForbidden,
    PostbackNotFound,
    PostbackRejected,
    PostbackReply,
    click_and_txn,
    finish,
    reported_currency,
)
from .sale_dates import check_sale_date, parse_sale_date

# The advertiser's word → ours. "reversed" (taken back after approval, or a pending sale
# turned down) declines too: config/report_states.py reads every final word by the state.
STATUSES = {
    "pending": "pending",
    "approved": "approved",
    "declined": "declined",
    "rejected": "declined",
    "reversed": "declined",
}


def conversion_postback_handle(
    *, raw: Mapping[str, str], ip: str | None, log: PostbackLog
) -> PostbackReply:
    token = raw.get("token", "")
    campaign = (
        Campaign.objects.filter(postback_token_hash=hash_token(token)).first() if token else None
    )
    if campaign is None:
        return finish(
            log,
            PostbackReply.error(PostbackForbidden("invalid_token", "That token is no campaign's.")),
        )
    log.source = campaign.slug
    log.authenticated = True
    return conversion_postback_process(campaign=campaign, raw=raw, ip=ip, log=log)


def conversion_postback_process(
    *,
    campaign: Campaign,
    raw: Mapping[str, str],
    ip: str | None,
    log: PostbackLog,
    received_at: datetime | None = None,
) -> PostbackReply:
    """Validate and record an already-authenticated conversion postback (also replays:
    `received_at` is when it first arrived, the conversion's time if it names none)."""
    log.txn_id = raw.get("txn_id", "")[:255]
    try:
        outcome = _apply(campaign, raw, ip, received_at)
    except Refusal as exc:  # ours, the conversion service's, or an amount's
        return finish(log, PostbackReply.error(exc))
    conversion = outcome.conversion
    log.conversion = conversion
    body = {
        "status": "ok",
        "conversion": {
            "id": conversion.pk,
            "status": conversion.status,
            "on_hold": conversion.on_hold,
            "goal": conversion.goal.tracking_code,
            "commission": str(conversion.commission),
            "currency": conversion.currency,
        },
        "duplicate": outcome.duplicate,
    }
    return finish(log, PostbackReply(200, body), duplicate=outcome.duplicate)


# What a conversion needs of its click (ClickFacts), and whether its transaction is
# recorded already: one statement on the hot path, the conversion one probe of the
# (campaign, txn) unique index.
CLICK_FACTS = ("click_id", "link_id", "partner_id", "campaign_id", "sub1", "sub2", "sub3")
CLICK_FACTS += ("ip", "created_at")


@cache
def _click_read() -> tuple[str, list]:
    click, conversion = AffiliateClick._meta.db_table, Conversion._meta.db_table
    selected = ", ".join(f"c.{AffiliateClick._meta.get_field(name).column}" for name in CLICK_FACTS)
    sql = (
        f"SELECT {selected}, v.id FROM {click} c "  # noqa: S608 (names from the models)
        f"LEFT JOIN {conversion} v ON v.campaign_id = %s AND v.txn_id = %s "
        "WHERE c.click_id = %s"
    )
    return sql, [(AffiliateClick, name) for name in CLICK_FACTS] + [(Conversion, "id")]


def _click_and_known(campaign: Campaign, click_id, txn_id: str) -> tuple[ClickFacts, bool] | None:
    sql, columns = _click_read()
    row = select_row(
        sql, [campaign.pk, txn_id, db_value(AffiliateClick, "click_id", click_id)], columns
    )
    if row is None:
        return None
    return ClickFacts(*row[:-1]), row[-1] is not None


def _apply(campaign: Campaign, raw: Mapping[str, str], ip: str | None, received_at=None):
    click_id, txn_id = click_and_txn(raw, ("click_id", "txn_id"))
    amount = parse_amount(raw.get("amount") or "0", field="amount")
    # Absent: pending for a first report, no news for a later one.
    status = STATUSES.get(raw["status"].strip().lower(), "") if raw.get("status") else None
    if status == "":
        raise PostbackRejected(
            "unknown_status", "status is pending, approved, declined or reversed."
        )
    currency = reported_currency(raw)
    converted_at = parse_sale_date(raw.get("conversion_date"), field="conversion_date")
    found = _click_and_known(campaign, click_id, txn_id)
    if found is None:
        raise PostbackNotFound("unknown_click", f"No click {click_id}.")
    click, known = found
    converted_at = check_sale_date(
        converted_at, clicked_at=click.clicked_at, now=received_at, field="conversion_date"
    )
    # Converted before the commission is worked out: a percentage goal pays on the amount
    # in the platform currency, at the rate of the day the customer converted.
    if currency != settings.PLATFORM_CURRENCY and known:
        # A later report only moves the status: its amount is not read, so it needs no
        # rate (today's may not exist yet).
        convert = FxConversion(currency, None)
    else:
        convert = fx_conversion(currency, timezone.localdate(converted_at))
    converted = convert(amount)
    check_amount_size(converted, field="amount")
    return conversion_record(
        campaign=campaign,
        click=click,
        goal_code=raw.get("goal", ""),
        txn_id=txn_id,
        amount=converted,
        status=status,
        currency=settings.PLATFORM_CURRENCY,
        customer_ip=raw.get("ip") or None,
        converted_at=converted_at,
        foreign=ForeignAmount(currency, amount, convert.rate) if convert.foreign else None,
        known=known,
    )
