"""Telling partners about their conversions: one delivery row per partner URL, sent by
dispatch_postbacks and retried on a schedule, the same with or without a worker."""

import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from datetime import timedelta
from http.client import HTTPException
from urllib.parse import quote

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from config.errors import Refusal

from .. import outbound
from ..models import PartnerPostback, PostbackDelivery

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
    postbacks = PartnerPostback.objects.filter(
        partner_id=conversion.partner_id, is_active=True
    ).filter(
        Q(campaign__isnull=True) | Q(campaign_id=conversion.campaign_id),
        Q(goal__isnull=True) | Q(goal_id=conversion.goal_id),
    )
    values = _values(conversion, event)
    rows = [
        PostbackDelivery(
            postback=postback,
            conversion=conversion,
            event=event,
            url=render_url(postback.url, values),
            method=postback.method,
            body=json.dumps(values) if postback.method == PartnerPostback.Method.POST else "",
            next_attempt_at=timezone.now(),
        )
        for postback in postbacks
    ]
    PostbackDelivery.objects.bulk_create(rows)
    if rows:
        from ..tasks import dispatch_postbacks

        transaction.on_commit(dispatch_postbacks.delay)
    return len(rows)


@dataclass
class DispatchReport:
    delivered: int = 0
    retrying: int = 0
    failed: int = 0


def _claim(now, limit: int) -> list[PostbackDelivery]:
    with transaction.atomic():
        due = list(
            PostbackDelivery.objects.select_for_update(skip_locked=True)
            .filter(status=PostbackDelivery.Status.PENDING, next_attempt_at__lte=now)
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


def deliveries_dispatch(*, now=None, limit: int = 200, sender=outbound.send) -> DispatchReport:
    """Send what is due. The network calls happen outside any database transaction."""
    report = DispatchReport()
    for delivery in _claim(now or timezone.now(), limit):
        refused = False
        try:
            result = sender(
                delivery.method,
                delivery.url,
                body=delivery.body.encode() if delivery.method == "POST" else None,
                headers=_signed_headers(delivery),
            )
            ok, status, text, error = 200 <= result.status < 300, result.status, result.body, ""
        except outbound.UnsafeTarget as exc:
            # Our rule, not their outage: trying again would not change the answer.
            ok, status, text, error, refused = False, None, "", str(exc)[:500], True
        except (OSError, HTTPException) as exc:
            ok, status, text, error = False, None, "", str(exc)[:500] or exc.__class__.__name__
        finished = timezone.now()
        delivery.last_status_code, delivery.last_response, delivery.last_error = status, text, error
        if ok:
            delivery.status, delivery.delivered_at, delivery.next_attempt_at = (
                "delivered",
                finished,
                None,
            )
            report.delivered += 1
        elif refused or delivery.attempts >= MAX_ATTEMPTS:
            delivery.status, delivery.next_attempt_at = "failed", None
            report.failed += 1
        else:
            delivery.next_attempt_at = finished + BACKOFF[delivery.attempts - 1]
            report.retrying += 1
        delivery.save(
            update_fields=[
                "status",
                "delivered_at",
                "next_attempt_at",
                "last_status_code",
                "last_response",
                "last_error",
            ]
        )
    return report


def postback_save(
    *, partner, url: str, method: str = "GET", campaign=None, goal=None, postback=None
) -> PartnerPostback:
    probe = render_url(url.strip(), dict.fromkeys(MACROS, "x"))
    if "{" in probe or "}" in probe:
        raise PostbackRefused(
            "unknown_macro", f"Macros: {' '.join('{' + m + '}' for m in MACROS)}."
        )
    try:
        outbound.check_url(probe)
    except outbound.UnsafeTarget as exc:
        raise PostbackRefused("invalid_url", str(exc)) from exc
    if method not in PartnerPostback.Method.values:
        raise PostbackRefused("invalid_method", "GET or POST.")
    if (
        postback is None
        and PartnerPostback.objects.filter(partner=partner).count()
        >= PartnerPostback.MAX_PER_PARTNER
    ):
        raise PostbackRefused("too_many", f"Up to {PartnerPostback.MAX_PER_PARTNER} postback URLs.")
    postback = postback or PartnerPostback(partner=partner)
    postback.url, postback.method, postback.campaign, postback.goal = (
        url.strip(),
        method,
        campaign,
        goal,
    )
    postback.save()
    return postback


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
        from ..tasks import dispatch_postbacks

        transaction.on_commit(dispatch_postbacks.delay)
    return delivery
