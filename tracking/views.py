import logging

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, IntegrityError
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from config.errors import Refusal
from config.request_meta import client_country, client_ip, describe_user_agent, user_agent
from wallet.models import CashbackEvent

from .models import Click, PostbackLog
from .services.clicks import (
    click_record,
    destination_url,
    forget_click_out_rows,
    merchant_for_click,
    offer_allows,
    offer_for_click,
    offer_view_record,
)
from .services.conversions import conversion_postback_handle
from .services.go import (
    affiliate_click_record,
    fallback_url,
    link_destination,
    link_for_click,
    link_is_live,
    visitor_device,
)
from .services.postback_input import postback_input_read
from .services.postback_log import postback_log_save
from .services.postbacks import (
    PostbackReply,
    PostbackUnavailable,
    finish,
    network_postback_handle,
)

logger = logging.getLogger(__name__)

# Headers worth keeping with a postback; never cookies (the signature is kept redacted).
LOGGED_HEADERS = (
    "User-Agent",
    "Content-Type",
    "X-Forwarded-For",
    "X-Request-ID",
    "X-Postback-Timestamp",
    "X-Postback-Signature",
)


def _unavailable(request, reason: str, status: int):
    return render(request, "tracking/unavailable.html", {"reason": reason}, status=status)


@never_cache
@require_GET
def click_out_offer(request, offer_id: int):
    offer = offer_for_click(offer_id)
    if offer is None:
        return _unavailable(request, "This offer has ended or does not exist.", 404)
    return _click_out(request, merchant=offer.merchant, offer=offer)


@never_cache
@require_GET
def click_out_merchant(request, slug: str):
    merchant = merchant_for_click(slug)
    if merchant is None:
        return _unavailable(request, "This store is not available.", 404)
    return _click_out(request, merchant=merchant, offer=None)


def _click_out(request, *, merchant, offer):
    user = request.user if request.user.is_authenticated else None
    if user is None and request.GET.get("guest") != "1":
        # Offer the choice before recording anything: log in (and come straight back
        # here) to earn, or go on without cashback.
        return render(
            request, "tracking/login_or_continue.html", {"merchant": merchant, "offer": offer}
        )
    agent = user_agent(request)
    device = describe_user_agent(agent)["kind"]
    country = client_country(request)
    if not offer_allows(offer, country=country, device=device):
        return _unavailable(request, "This offer is not available where you are.", 403)
    try:
        click = click_record(
            merchant=merchant,
            offer=offer,
            terms=offer.cashback_terms() if offer else merchant.cashback_terms(),
            user_id=user.pk if user else None,
            ip=client_ip(request),
            user_agent=agent,
            device_type=device,
            referrer=request.META.get("HTTP_REFERER", ""),
            country=country,
        )
    except IntegrityError:
        # The cached row was deleted by another process less than a second ago (its
        # version not read yet): answer as for a row that is gone, and read it afresh.
        forget_click_out_rows()
        if offer is not None:
            return _unavailable(request, "This offer has ended or does not exist.", 404)
        return _unavailable(request, "This store is not available.", 404)
    template = offer.effective_tracking_url if offer else merchant.tracking_url
    response = HttpResponseRedirect(
        destination_url(template, click=click, merchant=merchant, offer=offer)
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


# The smallest transparent GIF, for the <noscript> fallback of the view beacon.
PIXEL = bytes.fromhex(
    "47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b"
)


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def offer_view(request, offer_id: int):
    user = request.user if request.user.is_authenticated else None
    offer_view_record(offer_id=offer_id, user_id=user.pk if user else None)
    if request.method == "GET":
        return HttpResponse(PIXEL, content_type="image/gif")
    return HttpResponse(status=204)


def _loggable(text: str) -> str:
    return text.replace("\x00", "\ufffd")  # a NUL would keep the log row from being saved


def _postback_log(request, kind: str, source: str) -> PostbackLog:
    return PostbackLog(
        kind=kind,
        source=source[:100],
        method=request.method,
        query={_loggable(k): _loggable(v) for k, v in request.GET.dict().items()},
        body=_loggable(request.body[:65536].decode("utf-8", errors="replace")),
        headers={
            name: _loggable(request.headers[name])
            for name in LOGGED_HEADERS
            if name in request.headers
        },
        remote_ip=client_ip(request),
    )


def _answer_postback(log: PostbackLog, handle) -> JsonResponse:
    """Run a postback handler; keep the log whatever happens; never answer 500."""
    try:
        reply = handle()
    except Refusal as exc:
        reply = finish(log, PostbackReply.error(exc))
    except DatabaseError:
        # Nothing was half-written (each service runs in one transaction); the sender
        # retries, and the retry is idempotent.
        logger.exception("%s postback from %s hit a database error", log.kind, log.source)
        reply = finish(log, PostbackReply.error(PostbackUnavailable(detail="Try again shortly.")))
    try:
        postback_log_save(log)
    except DatabaseError:
        # The query is redacted by now: application logs are read by more people still.
        logger.error("could not log a %s postback: %s", log.kind, log.query)
    return JsonResponse(reply.body, status=reply.status)


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def network_postback(request, network_slug: str):
    log = _postback_log(request, PostbackLog.Kind.NETWORK, source=network_slug)
    return _answer_postback(
        log,
        lambda: network_postback_handle(
            network_slug=network_slug,
            received=postback_input_read(request),
            ip=log.remote_ip,
            headers=request.headers,
            log=log,
        ),
    )


@login_required
def activity(request):
    return render(
        request,
        "tracking/activity.html",
        {
            "events": CashbackEvent.objects.filter(user=request.user)
            .select_related("merchant")
            .prefetch_related("amendments")
            .order_by("-sale_at", "-id")[:50],
            # Whether a click has its sale, in the same query (no query per row): those
            # without one offer "Missing cashback?".
            "clicks": Click.objects.filter(user=request.user)
            .select_related("merchant")
            .annotate(
                has_sale=Exists(CashbackEvent.objects.filter(click_uuid=OuterRef("click_id")))
            )[:50],
        },
    )


@never_cache
@require_GET
def go(request, slug: str):
    """A partner's link. Never touches the session; the link from the row cache, so one
    query (the click INSERT), then the redirect."""
    link = link_for_click(slug)
    if link is None:
        raise Http404("No such link.")
    if not link_is_live(link):
        return HttpResponseRedirect(fallback_url(link))
    agent = user_agent(request)
    click = affiliate_click_record(
        link=link,
        params=request.GET,
        ip=client_ip(request),
        user_agent=agent,
        device=visitor_device(agent),
        referrer=request.META.get("HTTP_REFERER", ""),
        country=client_country(request),
    )
    response = HttpResponseRedirect(link_destination(link, click))
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def conversion_postback(request):
    log = _postback_log(request, PostbackLog.Kind.CONVERSION, source="")
    return _answer_postback(
        log,
        lambda: conversion_postback_handle(
            raw=postback_input_read(request).params, ip=log.remote_ip, log=log
        ),
    )
