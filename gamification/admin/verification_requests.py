"""Verification requests from the Telegram bot: Support agents approve (the shopper's
partner-platform account becomes verified) or reject (with a reason the shopper reads)."""

from django.contrib import admin

from accounts.admin_base import (
    FieldsReadOnlyMixin,
    ReasonActionForm,
    action_reason,
    staff_each,
)
from accounts.models import VerificationRequest

from ..services.verification_requests import (
    verification_request_approve,
    verification_request_reject,
)


@admin.register(VerificationRequest)
class VerificationRequestAdmin(FieldsReadOnlyMixin, admin.ModelAdmin):
    list_display = ("created_at", "user", "external_uid", "status", "decided_by", "decided_at")
    list_filter = ("status", "source")
    search_fields = ("external_uid", "user__email")
    list_select_related = ("user", "decided_by")
    action_form = ReasonActionForm
    actions = ["approve", "reject"]

    def has_decide_permission(self, request):
        return request.user.has_perm("accounts.decide_verificationrequest")

    @admin.action(description="Approve: verify their partner account", permissions=["decide"])
    def approve(self, request, queryset):
        staff_each(
            self, request, queryset, verification_request_approve, "verification", "approved"
        )

    @admin.action(description="Reject (reason required, told to them)", permissions=["decide"])
    def reject(self, request, queryset):
        staff_each(
            self,
            request,
            queryset,
            verification_request_reject,
            "verification",
            "rejected",
            reason=action_reason(request),
        )
