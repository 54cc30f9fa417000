from django.shortcuts import render

from ..selectors import partner_dashboard, partner_top_campaigns
from ..services.payouts import payable_balance
from .base import partner_page


@partner_page
def dashboard(request):
    return render(
        request,
        "affiliates/dashboard.html",
        {
            "stats": partner_dashboard(partner=request.partner),
            "payable": payable_balance(request.partner),
            "top_campaigns": partner_top_campaigns(partner=request.partner),
        },
    )
