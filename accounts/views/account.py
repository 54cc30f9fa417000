"""The logged-in shopper's own pages: dashboard, profile, sessions, KYC, deletion."""

from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.db.models import Sum
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from config.errors import Refusal, form_refused

from ..forms import AccountDeleteForm, KycForm, ProfileForm
from ..models import UserKyc
from ..selectors import active_sessions, referrals_of
from ..services import (
    kyc_submit,
    session_revoke,
    session_revoke_others,
    user_soft_delete,
    user_update,
)


@login_required
def referrals(request):
    mine = referrals_of(user=request.user)
    link = (
        request.build_absolute_uri(reverse("accounts:signup"))
        + f"?ref={request.user.referral_code}"
    )
    return render(
        request,
        "accounts/referrals.html",
        {
            "referrals": mine,
            "total": mine.aggregate(total=Sum("total_earned"))["total"] or Decimal("0.00"),
            "link": link,
            "bonus": settings.REFERRAL_BONUS_REFERRER,
            "share": settings.REFERRAL_SHARE_PERCENT,
            "share_days": settings.REFERRAL_SHARE_DAYS,
        },
    )


@login_required
def profile(request):
    user = request.user
    initial = {name: getattr(user, name) for name in ProfileForm.base_fields}
    form = ProfileForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            user_update(user=user, actor=user, data=form.cleaned_data, request=request)
        except Refusal as refused:
            form_refused(form, refused)
        else:
            messages.success(request, "Your profile was saved.")
            return redirect("accounts:profile")
    return profile_page(request, form)


def profile_page(request, form=None, telegram: dict | None = None):
    """The profile page; the Telegram card's own views render it too (a fresh link)."""
    from .telegram import telegram_card

    if form is None:
        initial = {name: getattr(request.user, name) for name in ProfileForm.base_fields}
        form = ProfileForm(initial=initial)
    context = {"form": form, **(telegram or telegram_card(request.user))}
    return render(request, "accounts/profile.html", context)


@login_required
def sessions(request):
    return render(
        request,
        "accounts/sessions.html",
        {
            "sessions": active_sessions(user=request.user),
            "current_key": request.session.session_key,
        },
    )


@login_required
@require_POST
def session_logout(request, session_id):
    session_revoke(user=request.user, session_id=session_id)
    messages.success(request, "That session was logged out.")
    return redirect("accounts:sessions")


@login_required
@require_POST
def sessions_logout_others(request):
    revoked = session_revoke_others(user=request.user, keep_session_key=request.session.session_key)
    messages.success(request, f"Logged out {revoked} other session(s).")
    return redirect("accounts:sessions")


@login_required
def kyc(request):
    instance = UserKyc.objects.filter(user=request.user).first() or UserKyc(user=request.user)
    form = KycForm(request.POST or None, instance=instance, user=request.user)
    if request.method == "POST" and form.is_valid():
        kyc_submit(user=request.user, data=form.cleaned_data)
        messages.success(request, "Thanks! Your details are saved and waiting for review.")
        return redirect("accounts:kyc")
    return render(request, "accounts/kyc.html", {"form": form, "kyc": instance})


@login_required
def account_delete(request):
    form = AccountDeleteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user_soft_delete(user=request.user, actor=request.user, request=request)
        logout(request)
        messages.success(request, "Your account is closed. We are sorry to see you go.")
        return redirect("home")
    return render(request, "accounts/delete.html", {"form": form})
