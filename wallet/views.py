from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .models import CashbackEvent
from .selectors import wallet_summary


@login_required
def dashboard(request):
    return render(
        request,
        "wallet/dashboard.html",
        {
            "wallet": wallet_summary(user=request.user),
            "events": CashbackEvent.objects.filter(user=request.user).select_related("merchant")[
                :10
            ],
        },
    )
