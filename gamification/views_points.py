"""The points panel's redeem form: post, then back to the Rewards page (PRG)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from config.errors import Refusal

from .services.redemption import MAX_KEY_LENGTH, points_redeem
from .services.tiers import REWARDS_URL


class RedeemForm(forms.Form):
    points = forms.IntegerField(min_value=1, max_value=1_000_000_000)
    idempotency_key = forms.CharField(max_length=MAX_KEY_LENGTH)


@login_required
@require_POST
def points_redeem_view(request):
    form = RedeemForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, f"Points not redeemed: {' '.join(errors)}")
        return redirect(REWARDS_URL)
    try:
        redemption = points_redeem(user=request.user, **form.cleaned_data)
    except Refusal as refused:
        messages.error(request, refused.detail)
    else:
        messages.success(
            request,
            f"{redemption.points} points redeemed: {redemption.currency} {redemption.amount} "
            "added to your available balance.",
        )
    return redirect(REWARDS_URL)
