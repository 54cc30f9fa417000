import json

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from config.errors import Refusal, form_refused
from config.fields import mask
from wallet.models import Withdrawal

from ..forms import PayoutDetailsForm
from ..models import Conversion
from ..permissions import Action
from ..services.partners import PAYOUT_METHODS, partner_set_payout
from ..services.payouts import (
    partner_payout_request,
    payable_balance,
    payout_minimum,
)
from .base import partner_page


def _masked_details(partner) -> dict[str, str]:
    details = json.loads(partner.payout_details or "{}")
    return {name.replace("_", " "): mask(value) for name, value in details.items()}


def _page(request, form):
    partner = request.partner
    return render(
        request,
        "affiliates/payouts.html",
        {
            "form": form,
            "balance": payable_balance(partner),
            "minimum": payout_minimum(partner),
            "holding": Conversion.objects.filter(
                partner=partner, status=Conversion.Status.APPROVED, credited_at__isnull=True
            ).order_by("payable_at")[:20],
            "payouts": Withdrawal.objects.filter(
                user=partner.user, source=Withdrawal.Source.COMMISSION
            )
            .select_related("method")
            .order_by("-requested_at")[:20],
            "details": _masked_details(partner),
        },
    )


@partner_page
def payouts(request):
    form = PayoutDetailsForm(initial={"method": request.partner.payout_method or "paypal"})
    return _page(request, form)


@partner_page(action=Action.PAYOUTS)
@require_POST
def payout_request(request):
    try:
        payout = partner_payout_request(partner=request.partner)
    except Refusal as refused:
        messages.error(request, refused.detail)
    else:
        messages.success(
            request,
            f"Payout of {payout.currency} {payout.amount} requested: you will receive "
            f"{payout.currency} {payout.net_amount} after fees once Finance approves it.",
        )
    return redirect("affiliates:payouts")


@partner_page(action=Action.PAYOUTS)
@require_POST
def payout_details(request):
    form = PayoutDetailsForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        method = data["method"]
        try:
            partner_set_payout(
                partner=request.partner,
                method=method,
                details={field: data.get(field, "") for field in PAYOUT_METHODS[method]},
                tax_id=data["tax_id"],
                password=data["password"],
                actor=request.user,
                request=request,
            )
        except Refusal as refused:
            form_refused(form, refused)
        else:
            messages.success(request, "Payout details saved.")
            return redirect("affiliates:payouts")
    return _page(request, form)
