"""The staff page of top offers and stores: an admin entry of its own (the TopOffersReport
proxy), shown to the roles holding `offers.see_top_offers`, with a CSV of each list."""

from datetime import date, timedelta

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from .models import TopOffersReport
from .top_offers import COLUMNS, RANKS, top_offers, top_rows_csv, top_stores

DEFAULT_DAYS = 30
MAX_DAYS = 366
PERMISSION = "offers.see_top_offers"


class TopOffersForm(forms.Form):
    start = forms.DateField(
        required=False,
        help_text=f"First day (included). Default: {DEFAULT_DAYS} days up to the last day.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end = forms.DateField(
        required=False,
        help_text="Last day (included). Default: today.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    rank = forms.ChoiceField(
        choices=[(key, label) for key, (label, _order) in RANKS.items()],
        required=False,
        label="Rank by",
    )
    limit = forms.IntegerField(min_value=1, max_value=500, required=False, label="Rows")

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        end = cleaned.get("end") or timezone.localdate()
        earliest_end = date.min + timedelta(days=DEFAULT_DAYS - 1)
        if not cleaned.get("start") and end < earliest_end:
            # The default first day would fall before the calendar's first (an OverflowError).
            raise forms.ValidationError(f"Choose a last day after {earliest_end}.")
        start = cleaned.get("start") or end - timedelta(days=DEFAULT_DAYS - 1)
        if start > end:
            raise forms.ValidationError("The first day must not be after the last day.")
        if (end - start).days + 1 > MAX_DAYS:
            raise forms.ValidationError(f"Choose a window of at most {MAX_DAYS} days.")
        return {
            "start": start,
            "end": end,
            "rank": cleaned.get("rank") or "sales",
            "limit": cleaned.get("limit") or 50,
        }


@admin.register(TopOffersReport)
class TopOffersReportAdmin(admin.ModelAdmin):
    """No rows to list or edit: the changelist is the report."""

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(PERMISSION)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = TopOffersForm(request.GET)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Top offers and stores",
            "form": form,
            "columns": COLUMNS,
        }
        if not form.is_valid():
            return render(request, "admin/offers/top_offers.html", context, status=400)
        window = form.cleaned_data
        export = request.GET.get("export")
        if export in ("offers", "stores"):
            return self._csv(window, offers=export == "offers")
        context.update(
            window=window,
            days=(window["end"] - window["start"]).days + 1,
            rank_label=RANKS[window["rank"]][0],
            offers=top_offers(**window),
            stores=top_stores(**window),
        )
        return render(request, "admin/offers/top_offers.html", context)

    @staticmethod
    def _csv(window: dict, *, offers: bool) -> HttpResponse:
        what = "offers" if offers else "stores"
        response = HttpResponse(content_type="text/csv")
        response["Content-Disposition"] = (
            f'attachment; filename="top-{what}-{window["start"]}-{window["end"]}.csv"'
        )
        rows = top_offers(**window) if offers else top_stores(**window)
        top_rows_csv(response, rows, offers=offers)
        return response
