from django import forms
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


class ChallengeForm(forms.ModelForm):
    class Meta:
        model = Challenge
        fields = (
            "title",
            "description",
            "prize_amount",
            "max_winners",
            "starts_at",
            "ends_at",
            "status",
        )

    def clean_max_winners(self):
        # With 0 no entry could ever be approved: every approval is refused.
        max_winners = self.cleaned_data.get("max_winners")
        if max_winners is not None and max_winners < 1:
            raise forms.ValidationError("At least one winner.")
        return max_winners

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", "The challenge ends after it starts.")
        return data


@admin.register(Challenge)
class ChallengeAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = ChallengeForm
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

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        # Prize times winners is what approvals pay: set by who approves (Finance).
        if not request.user.has_perm("gamification.approve_challengeentry"):
            fields += ["prize_amount", "max_winners"]
        return fields

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
