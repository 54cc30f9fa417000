"""Claims in the admin: the queue by status, network and store; send ready claims in
per-network batches (CSV), approve with an amount, reject with a reason, and Finance's
goodwill credit. Every action calls support.services.claims_decide, which holds the rules
(nobody decides their own claim; each state move conditional; audited)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from accounts.admin_base import (
    BigTableAdmin,
    FieldsReadOnlyMixin,
    ReadOnlyAdminMixin,
    ReasonActionForm,
    action_reason,
    apply_each,
)
from config.money_fields import MoneyFormField

from ..models import ClaimBatch, MissingCashbackClaim
from ..services.claims_decide import (
    claim_approve,
    claim_batch_csv,
    claim_goodwill,
    claim_reject,
    claims_batch,
)


class ApproveForm(forms.Form):
    cashback = MoneyFormField(label="Cashback for the shopper")
    commission = MoneyFormField(
        label="Commission from the network",
        required=False,
        help_text="Empty: the same as the cashback.",
    )


class GoodwillForm(forms.Form):
    amount = MoneyFormField(label="Goodwill credit", help_text="Paid to the available balance.")


def _csv_response(batch: ClaimBatch) -> HttpResponse:
    response = HttpResponse(claim_batch_csv(batch), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="claim-batch-{batch.pk}.csv"'
    return response


@admin.register(MissingCashbackClaim)
class MissingCashbackClaimAdmin(FieldsReadOnlyMixin, BigTableAdmin):
    list_display = (
        "id",
        "created_at",
        "user",
        "merchant",
        "network",
        "order_id",
        "order_date",
        "order_amount",
        "status",
        "ice_until",
        "batch",
    )
    list_filter = ("status", "network", "merchant")
    search_fields = ("order_id", "user__email", "=click_uuid")
    list_select_related = ("user", "merchant", "network")
    readonly_fields = ("proof_link",)
    action_form = ReasonActionForm
    actions = ("send_in_batch", "approve", "reject", "goodwill")
    date_field = "created_at"

    def has_change_permission(self, request, obj=None):
        return False  # every field is history; decisions are the actions

    def has_decide_permission(self, request):
        return request.user.has_perm("support.decide_missingcashbackclaim")

    def has_goodwill_permission(self, request):
        return request.user.has_perm("support.goodwill_missingcashbackclaim")

    @admin.display(description="Proof")
    def proof_link(self, claim):
        if not claim.proof:
            return "—"
        return format_html(
            '<a href="{}">Download</a>', reverse("support:claim-proof", args=[claim.pk])
        )

    @admin.action(
        description="Send ready claims in a batch (CSV per network)", permissions=["decide"]
    )
    def send_in_batch(self, request, queryset):
        batches = claims_batch(claims=list(queryset), actor=request.user, request=request)
        if not batches:
            self.message_user(request, "No ready claims among those selected.", messages.WARNING)
            return None
        if len(batches) == 1:
            return _csv_response(batches[0])
        links = format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            (
                (reverse("admin:support_claimbatch_csv", args=[batch.pk]), str(batch))
                for batch in batches
            ),
        )
        self.message_user(
            request, format_html("{} batches, one per network: {}", len(batches), links)
        )
        return None

    def _one(self, request, queryset, what: str):
        if queryset.count() != 1:
            self.message_user(
                request, f"{what} one claim at a time: each has its own amount.", messages.ERROR
            )
            return None
        return queryset.get()

    def _amount_page(self, request, queryset, form, action: str, title: str):
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "claims": queryset,
            "form": form,
            "action": action,
            "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
        }
        return TemplateResponse(request, "admin/support/missingcashbackclaim/amount.html", context)

    @admin.action(description="Approve (enter the cashback)", permissions=["decide"])
    def approve(self, request, queryset):
        claim = self._one(request, queryset, "Approve")
        if claim is None:
            return None
        form = ApproveForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return self._amount_page(request, queryset, form, "approve", "Approve a claim")
        data = form.cleaned_data
        apply_each(
            self,
            request,
            [claim],
            lambda row: claim_approve(
                claim=row,
                actor=request.user,
                cashback=data["cashback"],
                commission=data["commission"],
                request=request,
            ),
            "approved",
        )
        return None

    @admin.action(description="Reject (give the reason in the box)", permissions=["decide"])
    def reject(self, request, queryset):
        reason = action_reason(request)
        apply_each(
            self,
            request,
            list(queryset),
            lambda row: claim_reject(claim=row, actor=request.user, reason=reason, request=request),
            "rejected",
        )

    @admin.action(description="Pay a goodwill credit (Finance)", permissions=["goodwill"])
    def goodwill(self, request, queryset):
        claim = self._one(request, queryset, "Credit")
        if claim is None:
            return None
        form = GoodwillForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return self._amount_page(request, queryset, form, "goodwill", "Goodwill credit")
        apply_each(
            self,
            request,
            [claim],
            lambda row: claim_goodwill(
                claim=row, actor=request.user, amount=form.cleaned_data["amount"], request=request
            ),
            "credited",
        )
        return None


@admin.register(ClaimBatch)
class ClaimBatchAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("id", "created_at", "network", "claim_count", "created_by", "csv_link")
    list_filter = ("network",)
    list_select_related = ("network", "created_by")

    def get_urls(self):
        return [
            path(
                "<int:pk>/csv/",
                self.admin_site.admin_view(self.csv_view),
                name="support_claimbatch_csv",
            ),
            *super().get_urls(),
        ]

    @admin.display(description="CSV")
    def csv_link(self, batch):
        return format_html(
            '<a href="{}">download CSV</a>',
            reverse("admin:support_claimbatch_csv", args=[batch.pk]),
        )

    def csv_view(self, request, pk: int):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return _csv_response(get_object_or_404(ClaimBatch, pk=pk))
