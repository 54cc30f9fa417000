"""Telling partners about their conversions: one delivery row per partner URL, sent by
dispatch_postbacks and retried on a schedule, the same with or without a worker."""

import hashlib
import hmac
import json
import logging
import time
from dataclasses import dataclass
from datetime import timedelta
from http.client import HTTPException
from urllib.parse import quote

from django.db import transaction
from django.utils import timezone

from accounts.services import audit_log, transition, transition_claimed
from config.errors import Refusal

from .. import outbound
from ..models import Partner, PartnerPostback, PostbackDelivery
from .access import partner_may_promote

logger = logging.getLogger(__name__)

# After a failed attempt n (1-based), wait BACKOFF[n - 1]; a failure after the last is final.
BACKOFF = [
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
]
MAX_ATTEMPTS = len(BACKOFF) + 1
# A claimed delivery is not claimed again for this long (its sender may have died).
LEASE = timedelta(minutes=5)
SIGNATURE_HEADER = "X-SaveBucks-Signature"
MACROS = ("click_id", "sub1", "sub2", "sub3", "txn_id", "payout", "goal", "status", "campaign_id")

Status = PostbackDelivery.Status


class PostbackRefused(Refusal):
    pass


def _values(conversion, event: str) -> dict[str, str]:
    return {
        "event": event,
        "click_id": str(conversion.click_uuid),
        "sub1": conversion.sub1,
        "sub2": conversion.sub2,
        "sub3": conversion.sub3,
        "txn_id": conversion.txn_id,
        "payout": str(conversion.commission),
        "currency": conversion.currency,
        "goal": conversion.goal.tracking_code,
        "status": conversion.status,
        "campaign_id": str(conversion.campaign_id),
        "conversion_id": str(conversion.pk),
    }


def render_url(template: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        template = template.replace("{" + name + "}", quote(value, safe=""))
    return template


def deliveries_enqueue(*, conversion, event: str) -> int:
    """Rows for every active URL of the partner that covers this conversion; sent after
    the surrounding transaction commits."""
    return deliveries_enqueue_many(conversions=[conversion], event=event)


def deliveries_enqueue_many(*, conversions, event: str) -> int:
    """The same for many conversions at once (a payout settling), one query per partner."""
    by_partner: dict[int, list[PartnerPostback]] = {}
    rows = []
    for conversion in conversions:
        if conversion.partner_id not in by_partner:
            by_partner[conversion.partner_id] = list(
                PartnerPostback.objects.filter(partner_id=conversion.partner_id, is_active=True)
            )
        values = None
        for postback in by_partner[conversion.partner_id]:
            if postback.campaign_id not in (None, conversion.campaign_id) or (
                postback.goal_id not in (None, conversion.goal_id)
            ):
                continue
            values = values or _values(conversion, event)
            is_post = postback.method == PartnerPostback.Method.POST
            rows.append(
                PostbackDelivery(
                    postback=postback,
                    conversion=conversion,
                    event=event,
                    url=render_url(postback.url, values),
                    method=postback.method,
                    body=json.dumps(values) if is_post else "",
                    next_attempt_at=timezone.now(),
                )
            )
    PostbackDelivery.objects.bulk_create(rows)
    if rows:
        transaction.on_commit(_dispatch_soon)
    return len(rows)


def _dispatch_soon() -> None:
    """Ask a worker to send now. If the broker cannot take the task, the periodic run
    sends the rows a minute later: the caller's work (a conversion) has committed and
    must not turn into an error."""
    from ..tasks import dispatch_postbacks

    try:
        dispatch_postbacks.delay()
    except Exception:
        logger.warning("Could not queue dispatch_postbacks; the periodic run will.", exc_info=True)


@dataclass
class DispatchReport:
    delivered: int = 0
    retrying: int = 0
    failed: int = 0


# Claimed a few at a time, so that a chunk is sent well within its lease even when every
# URL in it runs to the timeout.
CLAIM_CHUNK = 20


def _claim(now, limit: int) -> list[PostbackDelivery]:
    with transaction.atomic():
        due = list(
            PostbackDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            # A deleted URL's pending rows were failed when it was deleted; the filter
            # keeps a row that slipped past that from ever being sent.
            .filter(
                status=PostbackDelivery.Status.PENDING,
                next_attempt_at__lte=now,
                postback__deleted_at__isnull=True,
            )
            .select_related("postback")
            .order_by("next_attempt_at", "pk")[:limit]
        )
        for delivery in due:
            delivery.attempts += 1
            delivery.next_attempt_at = now + LEASE
        PostbackDelivery.objects.bulk_update(due, ["attempts", "next_attempt_at"])
    return due


def _signed_headers(delivery: PostbackDelivery) -> dict[str, str]:
    timestamp = int(time.time())
    payload = delivery.body if delivery.method == "POST" else delivery.url
    digest = hmac.new(
        delivery.postback.signing_secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256
    ).hexdigest()
    headers = {SIGNATURE_HEADER: f"t={timestamp},v1={digest}"}
    if delivery.method == "POST":
        headers["Content-Type"] = "application/json"
    return headers


def _attempt(delivery: PostbackDelivery, sender) -> tuple[bool, bool, int | None, str, str]:
    """(delivered, final, status code, response excerpt, error) of one attempt."""
    try:
        result = sender(
            delivery.method,
            delivery.url,
            body=delivery.body.encode() if delivery.method == "POST" else None,
            headers=_signed_headers(delivery),
        )
    except outbound.UnsafeTarget as exc:
        # Our rule, not their outage: trying again would not change the answer.
        return False, True, None, "", str(exc)[:500]
    except (OSError, HTTPException, ValueError) as exc:
        return False, False, None, "", (str(exc) or exc.__class__.__name__)[:500]
    return 200 <= result.status < 300, False, result.status, result.body[:500], ""


DELETED_URL = "The postback URL was deleted."


def _fail_rows_of_deleted_urls(limit: int) -> int:
    """A conversion that read the partner's URLs just before a delete committed queues its
    rows after the delete failed the pending ones: never sent (`_claim` skips them), they
    would stay pending for good. Each dispatch run fails them as the delete does."""
    with transaction.atomic():
        pks = list(
            PostbackDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status=Status.PENDING, postback__deleted_at__isnull=False)
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )
        return transition_claimed(
            PostbackDelivery,
            pks,
            was=Status.PENDING,
            to=Status.FAILED,
            reason=DELETED_URL,
            updates={"next_attempt_at": None, "last_error": DELETED_URL},
        )


def deliveries_dispatch(*, now=None, limit: int = 200, sender=outbound.send) -> DispatchReport:
    """Send what is due. The network calls happen outside any database transaction.

    `now` fixes the clock (what is due, and the retry schedule counted from it); without
    it, each retry is scheduled from the moment its attempt ended.
    """
    report = DispatchReport()
    report.failed += _fail_rows_of_deleted_urls(limit)
    claimed = 0
    while claimed < limit:
        chunk = _claim(now or timezone.now(), min(CLAIM_CHUNK, limit - claimed))
        if not chunk:
            break
        claimed += len(chunk)
        for delivery in chunk:
            ok, final, code, text, error = _attempt(delivery, sender)
            finished = now or timezone.now()
            fields = {"last_status_code": code, "last_response": text, "last_error": error}
            if ok or final or delivery.attempts >= MAX_ATTEMPTS:
                outcome = Status.DELIVERED if ok else Status.FAILED
                if ok:
                    fields["delivered_at"] = finished
                # Only while the claim is still ours: a sender slower than the lease may
                # have seen another dispatcher claim the row again, and that attempt wins.
                if not transition(
                    delivery,
                    to=outcome,
                    allowed_from={Status.PENDING},
                    reason=error or f"HTTP {code}",
                    updates={**fields, "next_attempt_at": None},
                    when={"attempts": delivery.attempts},
                ):
                    continue
            else:
                fields["next_attempt_at"] = finished + BACKOFF[delivery.attempts - 1]
                if not PostbackDelivery.objects.filter(
                    pk=delivery.pk, attempts=delivery.attempts, status=Status.PENDING
                ).update(**fields):
                    continue
            for name, value in fields.items():
                setattr(delivery, name, value)
            if ok:
                report.delivered += 1
            elif delivery.status == Status.FAILED:
                report.failed += 1
            else:
                report.retrying += 1
    return report


def postback_save(
    *,
    partner,
    url: str,
    method: str = "GET",
    campaign=None,
    goal=None,
    postback=None,
    is_active: bool | None = None,
) -> PartnerPostback:
    """Create or change a partner's postback URL. The target is checked now (scheme, and
    every address its host resolves to) and again before each delivery. A URL for one
    campaign (or one of its goals) needs a campaign the partner may promote; one already
    saved keeps its campaign after access ends, so it can still be edited or turned off."""
    url = url.strip()
    probe = render_url(url, dict.fromkeys(MACROS, "x"))
    if "{" in probe or "}" in probe:
        raise PostbackRefused(
            "unknown_macro", f"Macros: {' '.join('{' + m + '}' for m in MACROS)}."
        )
    try:
        outbound.check_target(probe)
    except outbound.UnsafeTarget as refused:
        raise PostbackRefused(refused.code, refused.detail, "url") from refused
    if method not in PartnerPostback.Method.values:
        raise PostbackRefused("invalid_method", "GET or POST.")
    scope = "campaign" if campaign is not None else "goal"
    if goal is not None:
        if campaign is None:
            campaign = goal.campaign
        elif goal.campaign_id != campaign.pk:
            raise PostbackRefused("goal_not_in_campaign", "That goal belongs to another campaign.")
    if (
        campaign is not None
        and (postback is None or campaign.pk != postback.campaign_id)
        and not partner_may_promote(partner, campaign)
    ):
        raise PostbackRefused(
            "campaign_not_open", "That campaign is not yours to follow.", field=scope
        )
    with transaction.atomic():
        if postback is None:
            # The partner row serialises their saves: two at once cannot make a sixth URL.
            Partner.objects.select_for_update().filter(pk=partner.pk).first()
            if (
                PartnerPostback.objects.filter(partner=partner).count()
                >= PartnerPostback.MAX_PER_PARTNER
            ):
                raise PostbackRefused(
                    "too_many", f"Up to {PartnerPostback.MAX_PER_PARTNER} postback URLs."
                )
            postback = PartnerPostback(partner=partner)
        postback.url, postback.method, postback.campaign, postback.goal = (
            url,
            method,
            campaign,
            goal,
        )
        if is_active is not None:
            postback.is_active = is_active
        postback.save()
        if not postback.is_active:
            # Turned off means nothing more is sent to it, retries included.
            why = "The postback URL was turned off."
            transition_claimed(
                PostbackDelivery,
                list(
                    postback.deliveries.select_for_update()
                    .filter(status=Status.PENDING)
                    .order_by("pk")
                    .values_list("pk", flat=True)
                ),
                was=Status.PENDING,
                to=Status.FAILED,
                reason=why,
                updates={"next_attempt_at": None, "last_error": why},
            )
    return postback


def postback_delete(*, postback: PartnerPostback, actor=None) -> None:
    """Mark the URL deleted: the partner no longer sees it, nothing more is sent to it, and
    its delivery log stays for staff. Pending deliveries fail now; a send already in flight
    records nothing (deliveries_dispatch writes an outcome only while its claim holds and
    the row is still pending)."""
    why = DELETED_URL
    with transaction.atomic():
        # Conditional: deleting twice (two tabs, a retried API call) marks it once.
        if not PartnerPostback.objects.filter(pk=postback.pk).update(
            deleted_at=timezone.now(), deleted_by=actor
        ):
            return
        transition_claimed(
            PostbackDelivery,
            list(
                postback.deliveries.select_for_update()
                .filter(status=Status.PENDING)
                .order_by("pk")
                .values_list("pk", flat=True)
            ),
            was=Status.PENDING,
            to=Status.FAILED,
            actor=actor,
            reason=why,
            updates={"next_attempt_at": None, "last_error": why},
        )
        audit_log(actor=actor, action="partnerpostback.delete", entity=postback)


def postback_send_test(*, postback: PartnerPostback) -> PostbackDelivery:
    """A delivery with sample values, sent straight away (through the same dispatcher)."""
    values = {
        "event": "test",
        "click_id": "00000000-0000-4000-8000-000000000000",
        "sub1": "test",
        "sub2": "",
        "sub3": "",
        "txn_id": "TEST-1",
        "payout": "1.00",
        "currency": "USD",
        "goal": "TESTGOAL01",
        "status": "approved",
        "campaign_id": "0",
        "conversion_id": "0",
    }
    with transaction.atomic():
        delivery = PostbackDelivery.objects.create(
            postback=postback,
            event="test",
            url=render_url(postback.url, values),
            method=postback.method,
            body=json.dumps(values) if postback.method == "POST" else "",
            next_attempt_at=timezone.now(),
        )
        transaction.on_commit(_dispatch_soon)
    return delivery
