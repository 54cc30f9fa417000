from django.http import HttpResponse
from django.shortcuts import render

from config import csv_export
from config.errors import form_refused

from ..forms import ReportForm
from ..reporting import BadWindow, report_window
from ..selectors import partner_report
from ..services.access import campaigns_open_to
from .base import partner_page

CSV_COLUMNS = [
    "group",
    "label",
    "clicks",
    "unique_clicks",
    "conversions",
    "earnings",
    "conversion_rate",
]


def _report(request):
    """The filter form and, when it is valid, the rows it asks for."""
    form = ReportForm(request.GET or None, campaigns=campaigns_open_to(request.partner))
    if request.GET and not form.is_valid():
        return form, None
    data = form.cleaned_data if request.GET else {}
    try:
        date_from, date_to = report_window(data.get("date_from"), data.get("date_to"))
    except BadWindow as refused:
        form_refused(form, refused)
        return form, None
    campaign = data.get("campaign")
    group_by = data.get("group_by") or "day"
    rows = partner_report(
        partner=request.partner,
        group_by=group_by,
        date_from=date_from,
        date_to=date_to,
        campaign_id=campaign.pk if campaign else None,
    )
    return form, {"rows": rows, "group_by": group_by, "date_from": date_from, "date_to": date_to}


@partner_page
def reports(request):
    form, report = _report(request)
    return render(
        request,
        "affiliates/reports.html",
        {"form": form, "report": report},
    )


@partner_page
def reports_csv(request):
    form, report = _report(request)
    if report is None:
        return HttpResponse(
            " ".join(e for errors in form.errors.values() for e in errors),
            status=400,
            content_type="text/plain",
        )
    response = HttpResponse(content_type="text/csv")
    response["Content-Disposition"] = (
        f'attachment; filename="savebucks-report-{report["group_by"]}-'
        f'{report["date_from"]}-{report["date_to"]}.csv"'
    )
    writer = csv_export.DictWriter(response, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    writer.writerows(report["rows"])
    return response
