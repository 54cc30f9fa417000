from django.contrib import admin

from accounts.admin_base import BigTableAdmin, ReadOnlyAdminMixin

from ..models import Activity, PointsBalance


@admin.register(Activity)
class ActivityAdmin(ReadOnlyAdminMixin, BigTableAdmin):
    list_display = ("created_at", "user", "kind", "points", "description", "reason", "actor")
    list_filter = ("kind",)
    search_fields = ("user__email", "reference")
    list_select_related = ("user", "actor")


@admin.register(PointsBalance)
class PointsBalanceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("user", "balance", "lifetime", "updated_at")
    search_fields = ("user__email",)
    list_select_related = ("user",)
