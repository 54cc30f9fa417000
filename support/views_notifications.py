"""Pages over support.services: the user's notifications, their preferences matrix, and
the unsubscribe link of promotional emails (no login: the signed token is the authority)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import TelegramLink
from config.errors import Refusal

from .models import Category, Channel
from .services.notifications import notifications_mark_read, notifications_page
from .services.preferences import LOCKED, preferences_matrix, preferences_update
from .services.unsubscribe import unsubscribe, unsubscribe_read


def _before(request) -> int | None:
    value = request.GET.get("before", "")
    return int(value) if value.isdigit() and len(value) < 19 else None


@login_required
def notifications(request):
    page = notifications_page(request.user, before=_before(request))
    return render(
        request,
        "support/notifications/list.html",
        {"page": page, "first_page": _before(request) is None},
    )


@login_required
@require_POST
def notifications_read(request):
    marked, _ = notifications_mark_read(request.user)
    messages.success(request, f"Marked {marked} notification(s) read.")
    return redirect("support:notifications")


def _rows(matrix):
    return [
        {
            "category": Category(category),
            "cells": [
                {
                    "name": f"{category}.{channel}",
                    "channel": channel,
                    "on": enabled,
                    "locked": (category, channel) in LOCKED,
                }
                for channel, enabled in channels.items()
            ],
        }
        for category, channels in matrix.items()
    ]


def _changes(post) -> dict[str, dict[str, bool]]:
    """The editable pairs the form listed (hidden `pair` inputs), each on when its
    checkbox came back: an unchecked box sends nothing, so the list says what was shown."""
    checked = set(post.getlist("on"))
    changes: dict[str, dict[str, bool]] = {}
    for pair in post.getlist("pair")[: len(Category.values) * len(Channel.values)]:
        category, _, channel = pair.partition(".")
        changes.setdefault(category, {})[channel] = pair in checked
    return changes


@login_required
def preferences(request):
    error = None
    if request.method == "POST":
        try:
            preferences_update(request.user, _changes(request.POST))
        except Refusal as refusal:
            error = refusal.detail
        else:
            messages.success(request, "Your notification settings are saved.")
            return redirect("support:preferences")
    matrix = preferences_matrix(request.user)
    return render(
        request,
        "support/notifications/preferences.html",
        {
            "rows": _rows(matrix),
            "channels": Channel.choices,
            "error": error,
            "telegram_linked": TelegramLink.objects.filter(user=request.user).exists(),
            "telegram_enabled": bool(settings.TELEGRAM_BOT_TOKEN),
        },
        status=400 if error else 200,
    )


@csrf_exempt  # RFC 8058: the mail client POSTs with no session; the token is the authority
@require_http_methods(["GET", "POST"])
def unsubscribe_view(request, token):
    """GET only shows the button (mail scanners follow links); POST switches it off."""
    try:
        if request.method == "POST":
            _, category = unsubscribe(token)
        else:
            _, category = unsubscribe_read(token)
    except Refusal as refusal:
        return render(
            request, "support/notifications/unsubscribe.html", {"error": refusal.detail}, status=400
        )
    return render(
        request,
        "support/notifications/unsubscribe.html",
        {
            "done": request.method == "POST",
            "category": Category(category),
            "token": token,
        },
    )
