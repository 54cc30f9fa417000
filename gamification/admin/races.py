from django import forms
from django.contrib import admin

from accounts.admin_base import (
    AuditedAdminMixin,
    ReadOnlyAdminMixin,
    ReadOnlyTabularInline,
    StatusHistoryInline,
    staff_each,
)
from config.errors import Refusal

from ..models import ExternalAccount, HistoricalRace, Race, RaceParticipant
from ..services.external_accounts import external_account_verify
from ..services.races import parse_distribution, race_complete


class RaceForm(forms.ModelForm):
    class Meta:
        model = Race
        fields = [
            "title",
            "slug",
            "type",
            "metric",
            "prize_pool",
            "prize_distribution",
            "min_metric",
            "starts_at",
            "ends_at",
            "repeat",
            "description",
            "rules",
        ]

    def clean_prize_distribution(self):
        distribution = self.cleaned_data["prize_distribution"]
        try:
            parse_distribution(distribution)
        except Refusal as exc:
            raise forms.ValidationError(exc.detail) from None
        return distribution

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", "The race ends after it starts.")
        return data


class ParticipantInline(ReadOnlyTabularInline):
    model = RaceParticipant
    fields = ("rank", "user", "total", "baseline", "prize", "reached_at")
    ordering = ("rank", "-total")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


@admin.register(Race)
class RaceAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = RaceForm
    list_display = (
        "title",
        "slug",
        "type",
        "status",
        "metric",
        "prize_pool",
        "starts_at",
        "ends_at",
    )
    list_filter = ("status", "type")
    search_fields = ("title", "slug")
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("status", "synced_at", "completed_at", "created_by", "created_at")
    inlines = [ParticipantInline, StatusHistoryInline]
    actions = ["complete_now"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        # The pool is paid by the clock when the race ends: only who may pay it sets it.
        if not request.user.has_perm("gamification.complete_race"):
            # "repeat" too: each next race is created with the same pool, and paid again.
            fields += ["prize_pool", "prize_distribution", "repeat"]
        return fields

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
            super().save_model(request, obj, form, change)
            return
        # Only the fields the form edits: a full save would write back the status read
        # when the page was posted, bringing a race the clock completed meanwhile back
        # to live (to be completed, and its next race created, a second time).
        obj.save(update_fields=list(form.fields))

    def has_complete_permission(self, request):
        # It pays the prizes: Finance's call (as settling a leaderboard), not the editors'
        # who write the race's rules.
        return request.user.has_perm("gamification.complete_race")

    @admin.action(description="Complete now (final ranks, prizes paid)", permissions=["complete"])
    def complete_now(self, request, queryset):
        staff_each(self, request, queryset, race_complete, "race", "completed")


@admin.register(ExternalAccount)
class ExternalAccountAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("user", "provider", "uid", "created_at", "verified_at", "verified_by")
    list_filter = ("provider", ("verified_at", admin.EmptyFieldListFilter))
    search_fields = ("uid", "user__email")
    list_select_related = ("user", "verified_by")
    raw_id_fields = ("user",)
    readonly_fields = ("verified_at", "verified_by", "created_at")
    actions = ["verify"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        # A link belongs to its shopper: moving a verified row to another user (staff
        # themselves, say) would hand them a verified uid nobody checked for them.
        return ["user", *fields] if obj is not None else fields

    def has_change_permission(self, request, obj=None):
        # Editing one's own link (its uid, once a colleague verified it) is verifying it
        # oneself: as with the verify action, ask another staff member.
        if obj is not None and obj.user_id == request.user.pk:
            return False
        return super().has_change_permission(request, obj)

    def has_verify_permission(self, request):
        return request.user.has_perm("gamification.verify_externalaccount")

    @admin.action(
        description="Verify selected accounts (checked the proof)", permissions=["verify"]
    )
    def verify(self, request, queryset):
        staff_each(self, request, queryset, external_account_verify, "account", "verified")


@admin.register(HistoricalRace)
class HistoricalRaceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "title",
        "type",
        "starts_at",
        "ends_at",
        "prize_pool",
        "prizes_paid",
        "participant_count",
    )
    search_fields = ("title", "slug")
