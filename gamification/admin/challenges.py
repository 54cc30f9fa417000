from django.contrib import admin

from accounts.admin_base import (
    AuditedAdminMixin,
    BigTableAdmin,
    FieldsReadOnlyMixin,
    ReasonActionForm,
    StatusHistoryInline,
    action_reason,
    staff_each,
)

from ..models import Challenge, ChallengeEntry
from ..services.challenges import challenge_entry_approve, challenge_entry_reject


@admin.register(Challenge)
class ChallengeAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = (
        "title",
        "status",
        "prize_amount",
        "max_winners",
        "winners_count",
        "starts_at",
        "ends_at",
    )
    list_filter = ("status",)
    search_fields = ("title",)
    readonly_fields = ("winners_count", "created_at")

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            return
        # Only the fields the form edits: a full save would write back the winners_count
        # read when the page was posted, freeing a slot an approval took meanwhile.
        obj.save(update_fields=list(form.fields))


@admin.register(ChallengeEntry)
class ChallengeEntryAdmin(FieldsReadOnlyMixin, BigTableAdmin):
    list_display = (
        "created_at",
        "challenge",
        "user",
        "proof_url",
        "status",
        "decided_by",
        "reason",
    )
    list_filter = ("status", "challenge")
    search_fields = ("user__email", "challenge__title")
    list_select_related = ("challenge", "user", "decided_by")
    action_form = ReasonActionForm
    inlines = [StatusHistoryInline]
    actions = ["approve", "reject"]

    def has_approve_permission(self, request):
        return request.user.has_perm("gamification.approve_challengeentry")

    @admin.action(description="Approve (pays the prize)", permissions=["approve"])
    def approve(self, request, queryset):
        staff_each(
            self,
            request,
            queryset.order_by("pk"),
            challenge_entry_approve,
            "entry",
            "approved",
            reason=action_reason(request),
        )

    @admin.action(description="Reject (give a reason)", permissions=["approve"])
    def reject(self, request, queryset):
        staff_each(
            self,
            request,
            queryset.order_by("pk"),
            challenge_entry_reject,
            "entry",
            "rejected",
            reason=action_reason(request),
        )
