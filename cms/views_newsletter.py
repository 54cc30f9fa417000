"""The newsletter's pages over cms.services: subscribe (the footer and home forms), the
"check your inbox" page, the confirmation page (GET reads, POST confirms), the
unsubscribe page (GET reads, POST unsubscribes; the mail client's RFC 8058 one-click
POST too, with no session: the signed token is the authority), and the Newsletters
block of the notification settings."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from accounts.ratelimit import RateLimit
from config.errors import Refusal
from config.request_meta import client_ip, user_agent

from .models import ConsentRecord
from .services.newsletter_confirm import confirm, confirm_read, unsubscribe, unsubscribe_read
from .services.newsletter_preferences import newsletter_preferences_update
from .services.newsletter_subscribe import subscribe

SUBSCRIBE_IP = RateLimit("newsletter_subscribe_ip")
FORM_SOURCES = {ConsentRecord.Source.FOOTER, ConsentRecord.Source.HOME}
SENT_TEXT = (
    "Check your inbox: if this address can join the list, we have sent it an email with a "
    "link to confirm. Nothing is sent to you until you confirm."
)


def _form_page(request, error: str, status: int):
    return render(
        request,
        "cms/newsletter/subscribe.html",
        {
            "error": error,
            "email": request.POST.get("email", "")[:254],
            "selected": request.POST.get("list", ""),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def subscribe_view(request):
    if request.method == "GET":
        return render(request, "cms/newsletter/subscribe.html", {"selected": ""})
    ip = client_ip(request) or ""
    if not SUBSCRIBE_IP.allows(ip):
        return _form_page(request, SUBSCRIBE_IP.message("subscription"), 429)
    source = request.POST.get("source", "")
    try:
        subscribe(
            request.POST.get("email", ""),
            request.POST.get("list", ""),
            source=source if source in FORM_SOURCES else ConsentRecord.Source.FOOTER,
            ip=client_ip(request),
            user_agent=user_agent(request, 300),
        )
    except Refusal as refusal:
        return _form_page(request, refusal.detail, 400)
    return redirect("cms:newsletter-check-inbox")


def check_inbox(request):
    return render(request, "cms/newsletter/check_inbox.html", {"text": SENT_TEXT})


@require_http_methods(["GET", "POST"])
def confirm_view(request, token):
    """GET shows the button and changes nothing (mail scanners follow links); POST, from
    that page with its CSRF token, confirms. Twice is the same success."""
    try:
        if request.method == "POST":
            subscription = confirm(
                token, ip=client_ip(request), user_agent=user_agent(request, 300)
            )
        else:
            subscription = confirm_read(token)
    except Refusal as refusal:
        return render(request, "cms/newsletter/confirm.html", {"error": refusal.detail}, status=400)
    return render(
        request,
        "cms/newsletter/confirm.html",
        {
            "subscription": subscription,
            "newsletter": subscription.newsletter,
            "done": request.method == "POST" or subscription.status == "confirmed",
            "token": token,
        },
    )


def _one_click(request) -> bool:
    return request.POST.get("List-Unsubscribe") == "One-Click"


@csrf_exempt  # RFC 8058: the mail client POSTs with no session; the token is the authority
@require_http_methods(["GET", "POST"])
def unsubscribe_view(request, token):
    """GET only shows the button (mail scanners follow links); POST unsubscribes, from
    our page or from a mail client's one-click (answered 200 either way)."""
    try:
        if request.method == "POST":
            source = (
                ConsentRecord.Source.ONE_CLICK
                if _one_click(request)
                else ConsentRecord.Source.EMAIL_LINK
            )
            subscription = unsubscribe(
                token, source=source, ip=client_ip(request), user_agent=user_agent(request, 300)
            )
        else:
            subscription = unsubscribe_read(token)
    except Refusal as refusal:
        return render(
            request, "cms/newsletter/unsubscribe.html", {"error": refusal.detail}, status=400
        )
    return render(
        request,
        "cms/newsletter/unsubscribe.html",
        {
            # A second visit to the link says it is done rather than asking again.
            "done": request.method == "POST"
            or subscription.status == subscription.Status.UNSUBSCRIBED,
            "newsletter": subscription.newsletter,
            "token": token,
        },
    )


@login_required
@require_POST
def preferences_view(request):
    wanted = set(request.POST.getlist("newsletter"))
    shown = set(request.POST.getlist("shown"))
    try:
        newsletter_preferences_update(
            request.user,
            {slug: slug in wanted for slug in shown},
            ip=client_ip(request),
            user_agent=user_agent(request, 300),
        )
    except Refusal as refusal:
        messages.error(request, refusal.detail)
    else:
        messages.success(request, "Your newsletter choices are saved.")
    return redirect("support:preferences")
