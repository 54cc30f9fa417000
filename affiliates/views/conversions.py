from django.core.paginator import Paginator
from django.shortcuts import render

from ..models import Conversion
from .base import partner_page


@partner_page
def conversions(request):
    rows = (
        Conversion.objects.filter(partner=request.partner)
        .select_related("campaign", "goal")
        .order_by("-converted_at", "-id")
    )
    status = request.GET.get("status", "")
    if status in Conversion.Status.values:
        rows = rows.filter(status=status)
    elif status == "on_hold":
        rows = rows.filter(on_hold=True)
    else:
        status = ""
    return render(
        request,
        "affiliates/conversions.html",
        {
            "page": Paginator(rows, 50).get_page(request.GET.get("page")),
            "status": status,
            "statuses": [*Conversion.Status.choices, ("on_hold", "On hold")],
        },
    )
