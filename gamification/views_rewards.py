"""The Rewards page: the daily bonus calendar and claim button, the bonus code box, and
the points and tier panels of their own features."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from config.errors import Refusal, form_refused

from .forms_daily import BonusCodeForm
from .services.bonus_codes import bonus_code_redeem
from .services.daily_bonus import daily_bonus_claim, daily_bonus_status


def _page(request, code_form, status=200):
    return render(
        request,
        "gamification/daily/rewards.html",
        {"daily": daily_bonus_status(request.user), "code_form": code_form},
        status=status,
    )


@login_required
def rewards(request):
    return _page(request, BonusCodeForm())


@login_required
@require_POST
def daily_bonus_claim_view(request):
    try:
        claim = daily_bonus_claim(user=request.user)
    except Refusal as refused:
        messages.error(request, refused.detail)
    else:
        messages.success(
            request,
            f"Day {claim.day_number} claimed: {settings.PLATFORM_CURRENCY} {claim.amount} "
            "added to your balance"
            f"{f' and {claim.points} points' if claim.points else ''}. "
            f"Streak: {claim.streak} {'day' if claim.streak == 1 else 'days'}.",
        )
    return redirect("gamification:rewards")


@login_required
@require_POST
def bonus_code_redeem_view(request):
    form = BonusCodeForm(request.POST)
    if form.is_valid():
        try:
            redemption = bonus_code_redeem(user=request.user, code=form.cleaned_data["code"])
        except Refusal as refused:
            form_refused(form, refused)
        else:
            messages.success(
                request,
                f"Code accepted: {settings.PLATFORM_CURRENCY} {redemption.amount} "
                "added to your balance.",
            )
            return redirect("gamification:rewards")
    return _page(request, form, status=400)
