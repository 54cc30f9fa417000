from django.contrib import admin

from accounts.admin_base import AuditedAdminMixin, BigTableAdmin, ReadOnlyAdminMixin

from ..models import DailyBonusClaim, DailyBonusDay


@admin.register(DailyBonusDay)
class DailyBonusDayAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Finance sets what each day of the 7-day cycle pays; every change is audited."""

    list_display = ("day_number", "amount", "points")
    ordering = ("day_number",)

    def has_delete_permission(self, request, obj=None):
        # A missing day pays nothing; set its amount to 0.00 instead, visibly.
        return False


@admin.register(DailyBonusClaim)
class DailyBonusClaimAdmin(ReadOnlyAdminMixin, BigTableAdmin):
    list_display = (
        "bonus_date",
        "user",
        "day_number",
        "amount",
        "multiplier",
        "streak",
        "freeze_used",
        "points",
    )
    list_filter = ("day_number", "freeze_used")
    search_fields = ("user__email", "transaction_key")
    list_select_related = ("user",)
    date_field = "bonus_date"
    raw_id_fields = ("user",)
