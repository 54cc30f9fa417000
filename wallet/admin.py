import json
import uuid

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.html import format_html, format_html_join

from accounts.admin_base import (
    AuditedAdminMixin,
    BigTableAdmin,
    FieldsReadOnlyMixin,
    ReadOnlyAdminMixin,
    ReadOnlyTabularInline,
    ReasonActionForm,
    StatusHistoryInline,
    action_reason,
    apply_each,
    staff_each,
)
from accounts.models import User
from accounts.services import audit_log
from config.errors import Refusal, form_refused
from config.fields import mask
from config.money_fields import MoneyFormField, StrictDecimalFormField

from .models import (
    Account,
    AdjustmentRequest,
    CashbackAmendment,
    CashbackEvent,
    Entry,
    FxRate,
    Payout,
    PayoutBatch,
    Transaction,
    Withdrawal,
    WithdrawalMethod,
)
from .services.adjustments import adjustment_approve, adjustment_reject, adjustment_request
from .services.cashback_decisions import cashback_decide
from .services.fx import (
    FxRateJump,
    InvalidFxRate,
    fx_currency_check,
    fx_jump_check,
    fx_rate_check,
)
from .services.payouts import payout_batch_mark_paid, payout_mark_failed, payout_mark_paid
from .services.withdrawals import withdrawal_approve, withdrawal_reject


@admin.register(WithdrawalMethod)
class WithdrawalMethodAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "code", "is_enabled", "minimum_amount", "fee_fixed", "fee_percent")
    list_editable = ("is_enabled", "minimum_amount", "fee_fixed", "fee_percent")
    list_filter = ("is_enabled",)


# --- the ledger: read-only; money moves only through wallet services -----------------


class AdjustmentForm(forms.Form):
    email = forms.EmailField(label="Shopper's email")
    direction = forms.ChoiceField(choices=[("credit", "Credit (add)"), ("debit", "Debit (take)")])
    amount = MoneyFormField()
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=200)
    # One per form shown: submitting it twice moves the money once.
    key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def clean_email(self):
        user = User.objects.filter(
            email=User.objects.normalize_email(self.cleaned_data["email"])
        ).first()
        if user is None:
            raise forms.ValidationError("No account with that email.")
        return user


@admin.register(Account)
class AccountAdmin(ReadOnlyAdminMixin, BigTableAdmin):
    list_display = ("id", "owner", "kind", "currency", "balance", "created_at")
    list_filter = ("kind", "currency")
    search_fields = ("owner__email",)
    list_select_related = ("owner",)
    change_list_template = "admin/wallet/account/change_list.html"

    def get_urls(self):
        return [
            path(
                "adjust/",
                self.admin_site.admin_view(self.adjust_view),
                name="wallet_account_adjust",
            ),
            *super().get_urls(),
        ]

    def adjust_view(self, request):
        if not request.user.has_perm("wallet.adjust_balance"):
            raise PermissionDenied
        form = AdjustmentForm(request.POST or None, initial={"key": uuid.uuid4().hex})
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            amount = data["amount"] if data["direction"] == "credit" else -data["amount"]
            try:
                adjustment = adjustment_request(
                    user=data["email"],
                    amount=amount,
                    reason=data["reason"],
                    actor=request.user,
                    idempotency_key=data["key"],
                    request=request,
                )
            except Refusal as refused:
                form_refused(form, refused)
            else:
                if adjustment.status == AdjustmentRequest.Status.PENDING:
                    self.message_user(
                        request,
                        f"Asked: {data['email']} {amount:+} waits for a second staff member's "
                        "approval (Adjustment requests).",
                        messages.WARNING,
                    )
                else:
                    self.message_user(
                        request, f"Adjusted: {data['email']} {amount:+}.", messages.SUCCESS
                    )
                return redirect("admin:wallet_account_changelist")
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "opts": self.model._meta,
            "title": "Adjust a shopper's balance",
            "threshold": settings.ADJUSTMENT_SECOND_APPROVAL_ABOVE,
        }
        return render(request, "admin/wallet/account/adjust.html", context)


@admin.register(AdjustmentRequest)
class AdjustmentRequestAdmin(FieldsReadOnlyMixin, BigTableAdmin):
    """Large manual adjustments wait here for a second pair of eyes."""

    inlines = (StatusHistoryInline,)

    list_display = (
        "id",
        "created_at",
        "user",
        "amount",
        "reason",
        "requested_by",
        "status",
        "decided_by",
    )
    list_filter = ("status",)
    search_fields = ("user__email", "requested_by__email")
    list_select_related = ("user", "requested_by", "decided_by")
    raw_id_fields = ("user", "requested_by", "decided_by", "transaction")
    date_field = "created_at"
    action_form = ReasonActionForm
    actions = ("approve", "reject")

    def has_adjust_permission(self, request):
        return request.user.has_perm("wallet.adjust_balance")

    @admin.action(description="Approve (the money moves)", permissions=["adjust"])
    def approve(self, request, queryset):
        apply_each(
            self,
            request,
            list(queryset),
            lambda row: adjustment_approve(adjustment=row, actor=request.user, request=request),
            "approved",
        )

    @admin.action(description="Reject (give a reason)", permissions=["adjust"])
    def reject(self, request, queryset):
        reason = action_reason(request)
        apply_each(
            self,
            request,
            list(queryset),
            lambda row: adjustment_reject(
                adjustment=row, actor=request.user, reason=reason, request=request
            ),
            "rejected",
        )


class EntryInline(ReadOnlyTabularInline):
    model = Entry
    fields = ("account", "amount", "balance_after")


@admin.register(Transaction)
class TransactionAdmin(ReadOnlyAdminMixin, BigTableAdmin):
    list_display = ("id", "created_at", "kind", "reference", "memo", "actor")
    list_filter = ("kind",)
    search_fields = ("reference", "idempotency_key", "memo")
    list_select_related = ("actor",)
    date_field = "created_at"
    inlines = (EntryInline,)


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdminMixin, BigTableAdmin):
    list_display = ("id", "created_at", "account", "amount", "balance_after", "transaction")
    list_filter = ("account__kind",)
    search_fields = ("account__owner__email", "transaction__reference")
    list_select_related = ("account__owner", "transaction")
    raw_id_fields = ("account", "transaction")


# --- cashback ------------------------------------------------------------------------


class CashbackAmendmentInline(ReadOnlyTabularInline):
    """The amounts the network changed after reporting the sale (amendments.py)."""

    model = CashbackAmendment
    fields = (
        "created_at",
        "kind",
        "reported_sale_amount",
        "reported_commission",
        "sale_amount_before",
        "sale_amount_after",
        "commission_before",
        "commission_after",
        "cashback_before",
        "cashback_after",
        "event_status",
    )
    verbose_name_plural = "Amount changes"


@admin.register(CashbackEvent)
class CashbackEventAdmin(FieldsReadOnlyMixin, BigTableAdmin):
    inlines = (CashbackAmendmentInline, StatusHistoryInline)
    list_display = (
        "external_txn_id",
        "user",
        "merchant",
        "cashback_amount",
        "status",
        "network_status",
        "expected_confirmation_at",
        "created_at",
    )
    list_filter = ("status", "network_status", "network")
    search_fields = ("external_txn_id", "user__email", "=click_uuid")
    list_select_related = ("user", "merchant")
    date_field = "created_at"
    action_form = ReasonActionForm
    actions = ("confirm_now", "reject", "reverse")

    def _decide(self, request, queryset, decision, what):
        reason = action_reason(request)
        staff_each(
            self,
            request,
            queryset,
            cashback_decide,
            "event",
            what,
            decision=decision,
            reason=reason,
        )

    @admin.action(description="Confirm now (pending → available)", permissions=["change"])
    def confirm_now(self, request, queryset):
        self._decide(request, queryset, "confirm", "confirmed")

    @admin.action(description="Reject pending cashback (give a reason)", permissions=["change"])
    def reject(self, request, queryset):
        self._decide(request, queryset, "reject", "rejected")

    @admin.action(description="Reverse cashback (give a reason)", permissions=["change"])
    def reverse(self, request, queryset):
        self._decide(request, queryset, "reverse", "reversed")


# --- FX rates: Finance keeps them (roles.py: wallet.*); support may only look ------------


class FxRateForm(forms.ModelForm):
    confirm_jump = forms.BooleanField(
        required=False,
        label="The rate really moved that much",
        help_text="Needed for a rate more than FX_RATE_MAX_JUMP_PERCENT away from the "
        "currency's nearest one.",
    )

    class Meta:
        model = FxRate
        fields = ("date", "currency", "rate", "source")
        field_classes = {"rate": StrictDecimalFormField}  # ASCII digits only, as in a file

    # The same checks as `manage.py import_fx_rates`, from the one service.
    def clean_currency(self):
        try:
            return fx_currency_check(self.cleaned_data["currency"])
        except InvalidFxRate as refused:
            raise forms.ValidationError(refused.detail) from refused

    def clean_rate(self):
        rate = self.cleaned_data["rate"]
        try:
            return rate if rate is None else fx_rate_check(rate)
        except InvalidFxRate as refused:
            raise forms.ValidationError(refused.detail) from refused

    def clean(self):
        data = super().clean()
        currency, day, rate = data.get("currency"), data.get("date"), data.get("rate")
        if currency and day and rate and not data.get("confirm_jump"):
            try:
                fx_jump_check(currency, day, rate)
            except FxRateJump as refused:
                self.add_error("rate", refused.detail)
        return data


@admin.register(FxRate)
class FxRateAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = FxRateForm
    list_display = ("date", "currency", "rate", "source", "updated_at")
    list_filter = ("currency", ("date", admin.DateFieldListFilter))
    search_fields = ("=currency", "source")
    date_hierarchy = "date"
    ordering = ("-date", "currency")
    readonly_fields = ("created_at", "updated_at")
    # Changing a rate later never touches sales already converted: each keeps its own.
    fields = ("date", "currency", "rate", "confirm_jump", "source", "created_at", "updated_at")


# --- withdrawals and payouts ---------------------------------------------------------


@admin.register(Withdrawal)
class WithdrawalAdmin(FieldsReadOnlyMixin, BigTableAdmin):
    inlines = (StatusHistoryInline,)
    list_display = ("id", "requested_at", "user", "method", "amount", "fee", "net_amount", "status")
    list_filter = ("status", "method")
    search_fields = ("user__email", "=id")
    list_select_related = ("user", "method")
    date_field = "requested_at"
    readonly_fields = ("details",)
    exclude = ("payout_details",)
    action_form = ReasonActionForm
    actions = ("approve", "reject", "mark_paid", "mark_failed")
    change_list_template = "admin/wallet/withdrawal/change_list.html"

    def get_readonly_fields(self, request, obj=None):
        return [f for f in super().get_readonly_fields(request, obj) if f != "payout_details"]

    @admin.display(description="Pay to (last four only)")
    def details(self, withdrawal):
        values = json.loads(withdrawal.payout_details or "{}")
        return format_html_join(
            format_html("<br>"), "{}: {}", ((k, mask(str(v))) for k, v in values.items())
        )

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            response.context_data["totals"] = (
                changelist.queryset.order_by()
                .values("status")
                .annotate(count=Count("pk"), amount=Sum("amount"))
                .order_by("status")
            )
        return response

    def has_approve_permission(self, request):
        return request.user.has_perm("wallet.approve_withdrawal")

    def has_pay_permission(self, request):
        return request.user.has_perm("wallet.pay_withdrawal")

    @admin.action(description="Approve selected withdrawals", permissions=["approve"])
    def approve(self, request, queryset):
        note = action_reason(request)
        staff_each(self, request, queryset, withdrawal_approve, "withdrawal", "approved", note=note)

    @admin.action(
        description="Reject selected withdrawals (give a reason)", permissions=["approve"]
    )
    def reject(self, request, queryset):
        reason = action_reason(request)
        staff_each(
            self,
            request,
            queryset,
            withdrawal_reject,
            "withdrawal",
            "rejected; funds returned",
            reason=reason,
        )

    def _payouts(self, queryset):
        return Payout.objects.filter(
            withdrawal__in=queryset, status=Payout.Status.PENDING
        ).select_related("withdrawal", "batch")

    @admin.action(description="Mark paid (bank reference in the box)", permissions=["pay"])
    def mark_paid(self, request, queryset):
        reference = action_reason(request)
        if not reference:
            self.message_user(request, "Give the bank's reference in the box.", messages.ERROR)
            return
        staff_each(
            self,
            request,
            self._payouts(queryset),
            payout_mark_paid,
            "payout",
            "marked paid",
            reference=reference,
        )

    @admin.action(description="Mark payment failed (reason in the box)", permissions=["pay"])
    def mark_failed(self, request, queryset):
        reason = action_reason(request)
        if not reason:
            self.message_user(request, "Say why the payment failed.", messages.ERROR)
            return
        staff_each(
            self,
            request,
            self._payouts(queryset),
            payout_mark_failed,
            "payout",
            "marked failed; funds returned",
            reason=reason,
        )


class PayoutInline(ReadOnlyTabularInline):
    model = Payout
    fields = ("withdrawal", "amount", "status", "provider_reference", "provider_status")


@admin.register(PayoutBatch)
class PayoutBatchAdmin(FieldsReadOnlyMixin, BigTableAdmin):
    list_display = (
        "sender_batch_id",
        "provider",
        "status",
        "total",
        "currency",
        "created_at",
        "last_error",
    )
    list_filter = ("provider", "status")
    search_fields = ("sender_batch_id", "provider_reference")
    exclude = ("export_csv",)
    readonly_fields = ("bank_file",)
    inlines = (PayoutInline, StatusHistoryInline)
    action_form = ReasonActionForm
    actions = ("download_csv", "mark_batch_paid")

    def get_readonly_fields(self, request, obj=None):
        return [f for f in super().get_readonly_fields(request, obj) if f != "export_csv"]

    def has_pay_permission(self, request):
        return request.user.has_perm("wallet.pay_withdrawal")

    @admin.display(description="Bank file")
    def bank_file(self, batch):
        if not batch.export_csv:
            return "—"
        return "Select the batch in the list and use “Download the bank file”."

    @admin.action(description="Download the bank file (CSV)", permissions=["pay"])
    def download_csv(self, request, queryset):
        # export_csv is encrypted: the database cannot compare it, so test it once loaded.
        batches = [batch for batch in queryset.filter(provider="manual") if batch.export_csv]
        if len(batches) != 1:
            self.message_user(
                request, "Pick exactly one manual batch that has a file.", messages.ERROR
            )
            return None
        audit_log(
            actor=request.user, action="payout_batch.download", entity=batches[0], request=request
        )
        response = HttpResponse(batches[0].export_csv, content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="{batches[0].sender_batch_id}.csv"'
        return response

    @admin.action(description="Mark batch paid (bank reference in the box)", permissions=["pay"])
    def mark_batch_paid(self, request, queryset):
        try:
            paid = sum(
                payout_batch_mark_paid(
                    batch=batch,
                    reference=action_reason(request),
                    actor=request.user,
                    request=request,
                )
                for batch in queryset.filter(provider="manual")
            )
        except Refusal as refused:
            self.message_user(request, refused.detail, messages.ERROR)
            return
        self.message_user(request, f"{paid} withdrawal(s) marked paid.", messages.SUCCESS)
