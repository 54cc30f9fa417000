"""The Telegram card on the profile: link a chat (a one-time t.me link), opt in or out of
announcements, unlink."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from config.errors import Refusal

from ..models import TelegramLink
from ..services.telegram import (
    telegram_announcements_set,
    telegram_enabled,
    telegram_link_token_create,
    telegram_unlink,
)


def telegram_card(user, new_link: tuple | None = None) -> dict:
    """What the profile's Telegram card shows: off, not linked (maybe with a fresh link),
    or linked."""
    return {
        "telegram_enabled": telegram_enabled(),
        "telegram_link": TelegramLink.objects.filter(user=user).first(),
        "telegram_new_link": new_link,
    }


@login_required
@require_POST
def telegram_link_new(request):
    """A fresh t.me link, shown once on the page (the token is not kept anywhere, so the
    answer is the page itself, not a redirect)."""
    from .account import profile_page

    try:
        new_link = telegram_link_token_create(request.user)
    except Refusal as refused:
        messages.error(request, refused.detail)
        return redirect("accounts:profile")
    return profile_page(request, telegram=telegram_card(request.user, new_link))


@login_required
@require_POST
def telegram_unlink_view(request):
    if telegram_unlink(user=request.user, actor=request.user, reason="unlinked by the user"):
        messages.success(request, "Your Telegram chat is unlinked.")
    return redirect("accounts:profile")


@login_required
@require_POST
def telegram_announcements(request):
    enabled = request.POST.get("announcements") == "on"
    try:
        telegram_announcements_set(user=request.user, enabled=enabled)
    except Refusal as refused:
        messages.error(request, refused.detail)
    else:
        messages.success(
            request,
            "You will get announcements on Telegram."
            if enabled
            else "No more announcements on Telegram.",
        )
    return redirect("accounts:profile")
